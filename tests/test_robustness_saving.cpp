// Saving loses nothing: `ember train --save F` interrupted by SIGINT or SIGTERM stops at the end of a
// batch, says so, exits 130, and leaves F either as it was or as a complete new model (the model of
// the last complete epoch) -- never torn, never a stray temporary beside it. A full disk and an
// unwritable folder are one clear error with the old file whole. The processes are started with
// fork/exec and signalled with kill(); each case takes a few seconds at most (tests/process.hpp). The
// atomic write itself is unit-tested in test_io_safetensors.cpp.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "cli_runner.hpp"
#include "ember/lab/io/model_file.hpp"
#include "process.hpp"

using ember_test::Process;
using ember_test::read_file;
using ember_test::run_ember;
using ember_test::stops_with_status_130;
using ember_test::TempDir;
namespace fs = std::filesystem;

namespace {

// Everything in `dir` other than the given names (a leftover "m.safetensors.tmp.*" shows up here).
std::vector<std::string> other_files(const TempDir& dir, const std::vector<std::string>& expected) {
  std::vector<std::string> others;
  for (const auto& entry : fs::directory_iterator(dir.path())) {
    const std::string name = entry.path().filename().string();
    if (std::find(expected.begin(), expected.end(), name) == expected.end()) others.push_back(name);
  }
  return others;
}

// The model at `path` is whole: ember::load_model reads it, with the moons model's sizes.
void check_loads(const std::string& path) {
  INFO(path);
  ember::LoadedModel loaded;
  REQUIRE_NOTHROW(loaded = ember::load_model(path));
  CHECK(loaded.model->input_size() == 2);
  CHECK(loaded.model->num_classes() == 1);
}

// Saves a small model at `path`, the previous file that a later run must not destroy; its bytes.
std::string existing_model(const std::string& path) {
  REQUIRE(run_ember("train --dataset moons --samples 200 --epochs 1 --seed 7 --save " + path).status == 0);
  return read_file(path);
}

// Waits until the run has printed its first epoch line: one epoch complete, signal handlers set.
void wait_for_an_epoch(const Process& train) {
  REQUIRE(train.wait_until([&] { return train.out().find("train loss") != std::string::npos; }, 60));
}

// A moons run long enough to interrupt: each epoch is quick (epoch lines show progress), and
// there are far more epochs than any test waits for.
std::vector<std::string> long_run(const std::string& save) {
  std::vector<std::string> args{"train",    "--dataset", "moons",  "--samples", "2000",
                                "--epochs", "1000000",   "--seed", "1"};
  if (!save.empty()) args.insert(args.end(), {"--save", save});
  return args;
}

void interrupt_after_an_epoch(int sig) {
  TempDir dir;
  const std::string model = dir.file("m.safetensors");
  const std::string before = existing_model(model);

  Process train(long_run(model), dir.file("out"), dir.file("err"));
  wait_for_an_epoch(train);
  stops_with_status_130(train, sig);
  INFO("stderr: " << train.err());
  CHECK(train.err().find("interrupted: stopped at the end of a batch, after ") != std::string::npos);
  CHECK(train.err().find("saved model to " + model) != std::string::npos);
  // Asked to save, it saved a complete new file, not the old one, not torn...
  CHECK(read_file(model) != before);
  check_loads(model);
  CHECK(other_files(dir, {"m.safetensors", "out", "err"}).empty());
  // ...holding the model as it was at the end of the last complete epoch: the very file a run of
  // exactly that many epochs saves.
  std::smatch epochs;
  const std::string err = train.err();
  REQUIRE(std::regex_search(
      err, epochs,
      std::regex("after ([0-9]+) complete epoch\\(s\\); saving the model as it was at the end of epoch ([0-9]+)")));
  CHECK(epochs[1] == epochs[2]);
  std::vector<std::string> same_run = long_run(dir.file("exact.safetensors"));
  *std::find(same_run.begin(), same_run.end(), "1000000") = epochs[1];
  std::string command;
  for (const std::string& arg : same_run) command += (command.empty() ? "" : " ") + arg;
  REQUIRE(run_ember(command).status == 0);
  CHECK((read_file(model) == read_file(dir.file("exact.safetensors"))));
}

}  // namespace

TEST_CASE("SIGINT during train --save stops at the end of a batch, saves the last complete epoch's model and exits 130",
          "[robustness]") {
  interrupt_after_an_epoch(SIGINT);
}

TEST_CASE(
    "SIGTERM during train --save stops at the end of a batch, saves the last complete epoch's model and exits 130",
    "[robustness]") {
  interrupt_after_an_epoch(SIGTERM);
}

TEST_CASE("An interrupt before the first epoch ends saves nothing and leaves the old model file as it was",
          "[robustness]") {
  TempDir dir;
  const std::string model = dir.file("m.safetensors");
  const std::string before = existing_model(model);
  // One sample per batch and 400,000 samples: the first epoch lasts far longer than the test waits.
  Process train(
      {"train", "--dataset", "moons", "--samples", "500000", "--batch-size", "1", "--epochs", "5", "--save", model},
      dir.file("out"), dir.file("err"));
  REQUIRE(train.wait_until([&] { return train.handles_signals(); }, 60));
  stops_with_status_130(train, SIGINT);
  INFO("stderr: " << train.err());
  CHECK(train.err().find("stopped at the end of a batch, after 0 complete epoch(s); nothing saved, " + model +
                         " is unchanged") != std::string::npos);
  CHECK(train.out().empty());
  CHECK((read_file(model) == before));
  CHECK(other_files(dir, {"m.safetensors", "out", "err"}).empty());
}

TEST_CASE("Without --save an interrupted run says nothing was saved and writes no file", "[robustness]") {
  TempDir dir;
  Process train(long_run(""), dir.file("out"), dir.file("err"));
  wait_for_an_epoch(train);
  stops_with_status_130(train, SIGINT);
  INFO("stderr: " << train.err());
  CHECK(train.err().find("stopped at the end of a batch") != std::string::npos);
  CHECK(train.err().find("; nothing saved") != std::string::npos);
  CHECK(other_files(dir, {"out", "err"}).empty());
}

TEST_CASE("A second Ctrl-C kills at once, and the model file is still the old one or a whole new one", "[robustness]") {
  TempDir dir;
  const std::string model = dir.file("m.safetensors");
  const std::string before = existing_model(model);
  Process train(long_run(model), dir.file("out"), dir.file("err"));
  wait_for_an_epoch(train);
  train.signal(SIGINT);
  train.signal(SIGINT);
  const int status = train.wait(30);
  REQUIRE(status != -1);
  // Killed by the second SIGINT, or (rarely) done with the first before the second arrived.
  CHECK(((WIFSIGNALED(status) && WTERMSIG(status) == SIGINT) || (WIFEXITED(status) && WEXITSTATUS(status) == 130)));
  if (read_file(model) != before) check_loads(model);
  // A kill during the save may leave its temporary behind, never a torn model under the real name.
  for (const std::string& name : other_files(dir, {"m.safetensors", "out", "err"}))
    CHECK(name.rfind("m.safetensors.tmp.", 0) == 0);
}

// ---- a full disk and an unwritable folder ----

namespace {

// A 16 KiB tmpfs mounted on `dir` for the scope (needs root and CAP_SYS_ADMIN); `mounted` says
// whether it worked.
struct TinyDisk {
  std::string dir;
  bool mounted;
  explicit TinyDisk(const std::string& path) : dir(path) {
    fs::create_directories(dir);
    mounted =
        ::geteuid() == 0 && std::system(("mount -t tmpfs -o size=16k tmpfs '" + dir + "' 2>/dev/null").c_str()) == 0;
  }
  ~TinyDisk() {
    if (mounted) std::system(("umount '" + dir + "'").c_str());
  }
};

}  // namespace

TEST_CASE("A full disk is one clear error that leaves the old model file whole and no temporary", "[robustness]") {
  TempDir dir;
  const std::string source = dir.file("old.safetensors");
  REQUIRE(run_ember("train --dataset iris --epochs 1 --save " + source).status == 0);  // about 11 KB
  const std::string before = read_file(source);

  TinyDisk disk(dir.file("disk"));
  const std::string model = disk.dir + "/m.safetensors";
  std::ofstream(model, std::ios::binary) << before;
  REQUIRE(read_file(model) == before);
  ember_test::CliResult r;
  std::string reason;
  if (disk.mounted) {
    // The old file fills most of the 16 KiB: the new one cannot fit beside it.
    r = run_ember("train --dataset iris --epochs 1 --seed 3 --save " + model);
    reason = "No space left on device";
  } else {
    // No tmpfs without root: a file-size limit fails the write the same way (EFBIG). SIGXFSZ is
    // ignored, as a shell's `trap '' XFSZ`, so the write reports an error instead of killing.
    WARN("cannot mount a tmpfs here: simulating the full disk with ulimit -f");
    const std::string command = "trap '' XFSZ; ulimit -f 8; exec " + std::string(EMBER_BINARY) +
                                " train --dataset iris --epochs 1 --seed 3 --save " + model + " >" + dir.file("out") +
                                " 2>" + dir.file("err") + " </dev/null";
    const int raw = std::system(command.c_str());
    r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    r.err = read_file(dir.file("err"));
    reason = "File too large";
  }
  INFO("stderr: " << r.err);
  CHECK(r.status == 1);
  CHECK(r.err.find("ember train: error: cannot write '" + model + "': write failed: " + reason) != std::string::npos);
  CHECK((read_file(model) == before));
  std::size_t entries = 0;
  for (const auto& entry : fs::directory_iterator(disk.dir))
    entries += entry.path().filename() == "m.safetensors" ? 1 : 100;
  CHECK(entries == 1);  // no temporary left on the full disk
}

TEST_CASE("A read-only folder is refused before training, naming the option and the reason", "[robustness]") {
  TempDir dir;
  TinyDisk disk(dir.file("ro"));
  if (!disk.mounted) {
    WARN("cannot mount a tmpfs here: skipping the read-only file system case");
    return;
  }
  REQUIRE(std::system(("mount -o remount,ro '" + disk.dir + "'").c_str()) == 0);
  const auto r = run_ember("train --dataset iris --epochs 1 --save " + disk.dir + "/m.safetensors");
  INFO("stderr: " << r.err);
  CHECK(r.status == 1);
  CHECK(r.err.find("--save " + disk.dir + "/m.safetensors: cannot write into directory " + disk.dir +
                   ": Read-only file system") != std::string::npos);
  CHECK(r.out.empty());  // refused before the first epoch
}
