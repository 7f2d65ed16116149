// `ember train`'s validation set, early stopping, schedules, dropout, checkpoints and plot, run as a
// user runs them. The exact behaviour is proved in test_training_run.cpp and test_lr_schedule.cpp.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>

#include "cli_runner.hpp"
#include "xml_check.hpp"

using ember_test::read_file;
using ember_test::run_ember;
using ember_test::TempDir;

namespace {
const std::string moons = "train --dataset moons --samples 400 --noise 0.3 --seed 2 ";
}

TEST_CASE("train --val-split carves a validation set: epoch lines, log and JSON carry its figures", "[cli]") {
  TempDir dir;
  const auto run = run_ember(moons + "--epochs 3 --val-split 0.25 --log " + dir.file("log.csv") + " --json");
  REQUIRE(run.status == 0);
  // 400 rows: 80 test, then 320 -> 80 validation, 240 training.
  CHECK(run.err.find("data: moons, 240 training rows, 80 validation rows, 80 test rows") != std::string::npos);
  CHECK(std::regex_search(run.err, std::regex("epoch 3/3  train loss [0-9.]+ acc [0-9.]+  val loss [0-9.]+ acc "
                                              "[0-9.]+  test loss [0-9.]+ acc [0-9.]+  [0-9.]+ s")));
  const std::string log = read_file(dir.file("log.csv"));
  CHECK(log.rfind("epoch,train_loss,train_accuracy,val_loss,val_accuracy,test_loss,test_accuracy,lr,seconds\n", 0) ==
        0);
  const auto json = nlohmann::json::parse(run.out);
  CHECK(json["final"]["val_loss"].is_number());
  CHECK(json["history"].size() == 3);
  CHECK(json["best_epoch"].is_number());
  // The same seed without --val-split keeps the same test rows.
  const auto plain = run_ember(moons + "--epochs 1");
  CHECK(plain.err.find("data: moons, 320 training rows, 80 test rows") != std::string::npos);
}

TEST_CASE("train --patience stops, says why and which epoch was best, and restores it", "[cli]") {
  TempDir dir;
  const auto run = run_ember(moons + "--epochs 500 --hidden 128,128 --lr 0.03 --val-split 0.25 --patience 5 --save " +
                             dir.file("m.safetensors") + " --plot " + dir.file("run.svg"));
  REQUIRE(run.status == 0);
  std::smatch found;
  REQUIRE(std::regex_search(run.out, found,
                            std::regex("early stopping at epoch ([0-9]+): the validation loss did not improve for 5 "
                                       "epochs; best epoch ([0-9]+) \\(val loss [0-9.]+\\), its weights restored")));
  CHECK(std::stoi(found[1]) == std::stoi(found[2]) + 5);
  const std::string svg = read_file(dir.file("run.svg"));
  CHECK(ember_test::xml_problem(svg) == "");
  CHECK(svg.find("best epoch (" + std::string(found[2]) + ")") != std::string::npos);
  CHECK(svg.find("validation") != std::string::npos);
}

TEST_CASE("train --lr-schedule shows each epoch's learning rate", "[cli]") {
  const auto run = run_ember(moons + "--epochs 4 --optimizer sgd --lr 0.1 --lr-schedule step:2:0.5 --warmup 1");
  REQUIRE(run.status == 0);
  // Warm-up epoch 1 at lr*1/1, then StepLR from its own start: 0.1, 0.1, 0.05.
  CHECK(run.out.find("epoch 1/4") != std::string::npos);
  CHECK(std::regex_search(run.out, std::regex("epoch 2/4 .* lr 0\\.1  ")));
  CHECK(std::regex_search(run.out, std::regex("epoch 4/4 .* lr 0\\.05  ")));
}

TEST_CASE("train's new options refuse what cannot work, naming the option", "[cli]") {
  const std::string help = "(see 'ember train --help')\n";
  CHECK(run_ember(moons + "--epochs 2 --patience 3").err ==
        "ember train: --patience needs a validation set: add --val-split F (e.g. --val-split 0.1)\n" + help);
  CHECK(run_ember(moons + "--epochs 2 --lr-schedule plateau:0.5:2").status == 2);
  CHECK(run_ember(moons + "--epochs 2 --dropout 1").err ==
        "ember train: --dropout must be in [0, 1), got 1\n(see 'ember train --help')\n");
  CHECK(run_ember(moons + "--epochs 2 --val-split 1").status == 2);
  CHECK(run_ember(moons + "--epochs 2 --lr-schedule sparkle").status == 2);
  CHECK(run_ember(moons + "--epochs 2 --checkpoint-every 2").err ==
        "ember train: --checkpoint-every needs --checkpoint FILE\n(see 'ember train --help')\n");
}

TEST_CASE("train --resume continues a checkpoint, and refuses one written with other options", "[cli]") {
  TempDir dir;
  const std::string ckpt = dir.file("run.ckpt");
  const std::string options = moons + "--epochs 6 --dropout 0.2 --lr-schedule cosine --val-split 0.2 ";
  REQUIRE(run_ember(options + "--checkpoint " + ckpt + " --save " + dir.file("a.safetensors")).status == 0);
  // The run ended: resuming trains nothing and saves the same model.
  const auto again = run_ember(options + "--resume " + ckpt + " --save " + dir.file("b.safetensors"));
  REQUIRE(again.status == 0);
  CHECK(again.err.find("resuming " + ckpt + " after epoch 6 of 6") != std::string::npos);
  CHECK(read_file(dir.file("a.safetensors")) == read_file(dir.file("b.safetensors")));
  const auto other = run_ember(moons +
                               "--epochs 6 --dropout 0.2 --lr-schedule cosine --val-split 0.2 --lr 0.01 "
                               "--batch-size 64 --resume " +
                               ckpt);
  CHECK(other.status == 1);
  CHECK(other.err.find("the checkpoint was written with other options:") != std::string::npos);
  CHECK(other.err.find("--lr: 0.001 in the checkpoint, 0.01 now") != std::string::npos);
  CHECK(other.err.find("--batch-size: 32 in the checkpoint, 64 now") != std::string::npos);
  const auto not_checkpoint = run_ember(options + "--resume " + dir.file("a.safetensors"));
  CHECK(not_checkpoint.status == 1);
  CHECK(not_checkpoint.err.find("is not a checkpoint") != std::string::npos);
}

TEST_CASE("train --dropout trains with masks from the seed: the same seed gives the same run", "[cli]") {
  const auto a = run_ember(moons + "--epochs 3 --dropout 0.3");
  const auto b = run_ember(moons + "--epochs 3 --dropout 0.3");
  const auto without = run_ember(moons + "--epochs 3");
  REQUIRE(a.status == 0);
  const auto strip = [](const std::string& s) { return std::regex_replace(s, std::regex("  [0-9.]+ s"), ""); };
  CHECK(strip(a.out) == strip(b.out));
  CHECK(strip(a.out) != strip(without.out));
}
