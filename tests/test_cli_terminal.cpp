// apps/terminal.cpp: the progress line `ember train` draws on a terminal (the running loss of the
// epoch, steps per second, the time left for the whole run), as a pure function of where the run is;
// then the real thing, under a pseudo-terminal made by script(1): drawn on a TTY, and not with --quiet.
// --quiet and --every on a pipe are in test_cli_train.cpp.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdlib>
#include <string>

#include "cli_runner.hpp"
#include "terminal.hpp"

using ember::cli::compare_progress_line;
using ember::cli::format_duration;
using ember::cli::progress_bar;
using ember::cli::train_progress_line;
using ember::cli::TrainProgress;

TEST_CASE("the progress bar fills in proportion, with an arrow at its head", "[cli]") {
  CHECK(progress_bar(0, 4, 8) == "[>       ]");
  CHECK(progress_bar(1, 4, 8) == "[==>     ]");
  CHECK(progress_bar(4, 4, 8) == "[========]");
  CHECK(progress_bar(3, 0, 8) == "[========]");  // nothing to do is done
}

TEST_CASE("durations read as m:ss, or h:mm:ss from an hour", "[cli]") {
  CHECK(format_duration(0) == "0:00");
  CHECK(format_duration(5.4) == "0:05");
  CHECK(format_duration(65) == "1:05");
  CHECK(format_duration(3599.6) == "1:00:00");  // rounded to the second first
  CHECK(format_duration(3725) == "1:02:05");
  CHECK(format_duration(NAN) == "-");
  CHECK(format_duration(-1) == "-");
}

TEST_CASE("the progress line shows the epoch's running loss, steps per second and the run's ETA", "[cli]") {
  TrainProgress p;
  p.epoch = 3;
  p.epochs = 100;
  p.batch = 10;
  p.batches = 40;
  p.running_loss = 0.43214;
  p.seconds = 2.0;  // 2 epochs of 40 steps and 10 more: 90 steps, 45 per second; 3910 left: 87 s
  CHECK(train_progress_line(p) == "epoch   3/100 [=====>              ] 10/40  loss 0.4321  45 steps/s  ETA 1:27");
  // Slow steps get a decimal; the batch count is padded so the line does not jump.
  p.epoch = 1;
  p.epochs = 2;
  p.batch = 5;
  p.seconds = 2.0;  // 2.5 steps per second; 75 steps left: 30 s
  CHECK(train_progress_line(p) == "epoch 1/2 [==>                 ]  5/40  loss 0.4321  2.5 steps/s  ETA 0:30");
  // The last step of the run: nothing left.
  p.epoch = 2;
  p.batch = 40;
  p.seconds = 8;
  CHECK(train_progress_line(p) == "epoch 2/2 [====================] 40/40  loss 0.4321  10 steps/s  ETA 0:00");
  // Before the clock has moved there is no rate to tell, and no ETA.
  p.seconds = 0;
  CHECK(train_progress_line(p) == "epoch 2/2 [====================] 40/40  loss 0.4321  - steps/s  ETA -");
}

namespace {

// `ember args` with stdout and stderr on a pseudo-terminal (script -q -e -c ... /dev/null): what
// the terminal received, escape sequences and carriage returns included. Empty when script(1) is missing.
ember_test::CliResult run_on_a_terminal(const std::string& args) {
  ember_test::TempDir capture;
  const std::string out = capture.file("typescript");
  const std::string command =
      "script -q -e -c \"" + std::string(EMBER_BINARY) + " " + args + "\" /dev/null >" + out + " 2>&1 </dev/null";
  const int raw = std::system(command.c_str());
  ember_test::CliResult r;
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  r.out = ember_test::read_file(out);
  return r;
}

bool have_script() { return std::system("command -v script >/dev/null 2>&1") == 0; }

}  // namespace

TEST_CASE("on a terminal, train draws the progress line and erases it before each epoch line", "[cli]") {
  if (!have_script()) {
    WARN("script(1) is not installed (util-linux): skipping the terminal checks");
    return;
  }
  const auto r = run_on_a_terminal("train --dataset iris --epochs 3");
  INFO("terminal: " << r.out);
  REQUIRE(r.status == 0);
  CHECK(r.out.find("\repoch 1/3 [") != std::string::npos);
  CHECK(r.out.find("steps/s  ETA ") != std::string::npos);
  CHECK(r.out.find("  loss ") != std::string::npos);
  CHECK(r.out.find("\r\033[K") != std::string::npos);  // erased before the epoch line is printed
  CHECK(r.out.find("epoch 3/3  train loss") != std::string::npos);

  const auto quiet = run_on_a_terminal("train --dataset iris --epochs 3 --quiet");
  INFO("terminal: " << quiet.out);
  REQUIRE(quiet.status == 0);
  CHECK(quiet.out.find("steps/s") == std::string::npos);
  CHECK(quiet.out.find("epoch 1/3") == std::string::npos);
  CHECK(quiet.out.find("trained 3 epochs in ") != std::string::npos);
}

TEST_CASE("compare's progress line counts runs and scales the time so far to the ETA", "[cli]") {
  ember::cli::CompareProgress p;
  p.run = 11;  // ten runs done, the eleventh half way: 10.5 of 40 in 21 s, so 29.5 more take 59 s
  p.runs = 40;
  p.label = "relu adam lr 0.01 seed 3";
  p.epoch = 50;
  p.epochs = 100;
  p.seconds = 21;
  CHECK(compare_progress_line(p) ==
        "run 11/40 [=====>              ] relu adam lr 0.01 seed 3  epoch 50/100  ETA 0:59");
  p.run = 1;  // nothing done yet: no ETA
  p.epoch = 0;
  p.seconds = 0;
  CHECK(compare_progress_line(p) == "run  1/40 [>                   ] relu adam lr 0.01 seed 3  epoch 0/100  ETA -");
}
