// apps/suggest.cpp: the edit distance behind "did you mean --epochs?", the nearest name it picks (or
// none, when nothing is close), and cxxopts' curly quotes turned into plain ones. The messages as
// the user sees them are checked in test_cli_errors.cpp.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "suggest.hpp"

using ember::cli::closest_name;
using ember::cli::edit_distance;
using ember::cli::plain_quotes;

TEST_CASE("edit distance counts insertions, deletions, substitutions and swaps of neighbours", "[cli]") {
  CHECK(edit_distance("epochs", "epochs") == 0);
  CHECK(edit_distance("", "abc") == 3);
  CHECK(edit_distance("abc", "") == 3);
  CHECK(edit_distance("epoch", "epochs") == 1);    // insertion
  CHECK(edit_distance("epochss", "epochs") == 1);  // deletion
  CHECK(edit_distance("epocks", "epochs") == 1);   // substitution
  CHECK(edit_distance("epohcs", "epochs") == 1);   // two neighbours swapped: one edit, not two
  CHECK(edit_distance("trian", "train") == 1);
  CHECK(edit_distance("kitten", "sitting") == 3);
  CHECK(edit_distance("ca", "abc") == 3);  // optimal string alignment: a swapped pair is not edited again
}

TEST_CASE("the closest name is suggested only when it is close enough", "[cli]") {
  const std::vector<std::string> commands{"demo", "datasets", "train", "eval", "predict", "compare"};
  CHECK(closest_name("trian", commands) == "train");
  CHECK(closest_name("TRAIN", commands) == "train");  // case does not count
  CHECK(closest_name("compar", commands) == "compare");
  CHECK(closest_name("predcit", commands) == "predict");
  CHECK(closest_name("dataset", commands) == "datasets");
  CHECK(closest_name("fly", commands).empty());  // nothing near: no wild guess
  CHECK(closest_name("x", commands).empty());
  CHECK(closest_name("", commands).empty());
  const std::vector<std::string> options{"epochs", "batch-size", "lr", "seed", "seeds", "save", "hidden"};
  CHECK(closest_name("epohcs", options) == "epochs");
  CHECK(closest_name("batchsize", options) == "batch-size");
  CHECK(closest_name("batch_size", options) == "batch-size");
  CHECK(closest_name("rl", options) == "lr");
  CHECK(closest_name("hiden", options) == "hidden");
  CHECK(closest_name("seed", options) == "seed");  // an exact name is its own nearest
  CHECK(closest_name("learning-rate", options).empty());
  // Short names allow one edit only: "sv" is two from both "save" and "seed".
  CHECK(closest_name("sv", options).empty());
}

TEST_CASE("cxxopts' curly quotes become plain ASCII quotes", "[cli]") {
  CHECK(plain_quotes("Option \xE2\x80\x98"
                     "epochs\xE2\x80\x99 is missing an argument") == "Option 'epochs' is missing an argument");
  CHECK(plain_quotes("no quotes") == "no quotes");
  CHECK(plain_quotes("caf\xC3\xA9 \xE2\x80\x98x\xE2\x80\x99") == "caf\xC3\xA9 'x'");  // other UTF-8 is left alone
}
