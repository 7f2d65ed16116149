// The HTML report (lab/study/html_report.hpp) and the decision-boundary figure of compare, through the
// CLI as a user makes them: one self-contained page (no resource from the network), every section, the
// pictures of every activation at every epoch, under 2 MB for the README's study, and the same bytes
// when rebuilt from the results file. The page in a real browser: test_browser.cpp.
#include <algorithm>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli_runner.hpp"
#include "test_data_files.hpp"
#include "xml_check.hpp"

using ember_test::count_of;
using ember_test::read_file;
using ember_test::run_ember;
using ember_test::TempDir;
using ember_test::xml_problem;

TEST_CASE("compare --report writes one offline page, and report --html rebuilds it byte for byte", "[cli][report]") {
  TempDir dir;
  // The README's study: four activations, five seeds, the spiral, 100 epochs.
  const auto r =
      run_ember("compare --seeds 5 --jobs 2 --results " + dir.file("runs.jsonl") + " --report " + dir.file("a.html"));
  REQUIRE(r.status == 0);
  CHECK(r.err.find("wrote the report to " + dir.file("a.html")) != std::string::npos);
  const std::string html = read_file(dir.file("a.html"));
  CHECK(html.size() < 2 * 1024 * 1024);
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  // Offline: nothing names a resource elsewhere; every src and href is inside the page.
  CHECK(html.find("http://") == std::string::npos);
  CHECK(html.find("https://") == std::string::npos);
  CHECK(html.find("<link") == std::string::npos);
  CHECK(html.find("@import") == std::string::npos);
  // Scanned by hand: std::regex recurses once per character, and a 40 KB data: URL overflows the stack.
  std::size_t references = 0;
  for (const std::string attribute : {" src=\"", " href=\""}) {
    for (std::size_t at = html.find(attribute); at != std::string::npos; at = html.find(attribute, at + 1)) {
      const std::size_t start = at + attribute.size();
      const std::string target = html.substr(start, std::min<std::size_t>(60, html.find('"', start) - start));
      INFO(target);
      CHECK((target.rfind("data:image/png;base64,", 0) == 0 || target.rfind("#", 0) == 0));
      ++references;
    }
  }
  CHECK(references >= 16);
  for (const char* id : {"settings", "summary", "pairs", "findings", "curves", "layers", "boundaries"}) {
    INFO(id);
    CHECK(html.find("<section id=\"" + std::string(id) + "\">") != std::string::npos);
  }
  CHECK(html.find("id=\"plot-loss\"") != std::string::npos);
  CHECK(count_of(html, "How to read this.") >= 6);
  CHECK(html.find("data-epochs=\"1,10,30,100\"") != std::string::npos);
  CHECK(count_of(html, "class=\"boundary-step\"") == 16);  // 4 activations x 4 epochs
  CHECK(count_of(html, "<image class=\"boundary-image\"") == 16);
  CHECK(html.find("leaky_relu") != std::string::npos);

  const auto again = run_ember("report " + dir.file("runs.jsonl") + " --html " + dir.file("b.html"));
  REQUIRE(again.status == 0);
  REQUIRE(run_ember("report " + dir.file("runs.jsonl") + " --html " + dir.file("c.html")).status == 0);
  CHECK(read_file(dir.file("b.html")) == read_file(dir.file("c.html")));
  CHECK(read_file(dir.file("b.html")) == html);
}

TEST_CASE("compare --plot-boundary draws a row per activation and a column per epoch", "[cli][report]") {
  TempDir dir;
  const auto r = run_ember(
      "compare --activations tanh,relu --epochs 12 --boundary-epochs 1,4,12 --boundary-grid 30 "
      "--plot-boundary " +
      dir.file("b.svg"));
  REQUIRE(r.status == 0);
  const std::string svg = read_file(dir.file("b.svg"));
  CHECK(xml_problem(svg) == "");
  CHECK(count_of(svg, "<image") == 6);
  CHECK(count_of(svg, "class=\"boundary-row\"") == 2);
  CHECK(svg.find(">epoch 12</tspan>") != std::string::npos);
  CHECK(svg.find("spiral") != std::string::npos);  // the settings in the subtitle
}

TEST_CASE("data of more than two features: no boundary, and the report says why", "[cli][report]") {
  TempDir dir;
  const auto r = run_ember("compare --dataset digits --activations relu --epochs 2 --report " + dir.file("d.html"));
  REQUIRE(r.status == 0);
  const std::string html = read_file(dir.file("d.html"));
  CHECK(html.find("the data has 64 features") != std::string::npos);
  CHECK(html.find("projection of more is not pretended") != std::string::npos);
  CHECK(html.find("id=\"epoch-slider\"") == std::string::npos);
  const auto asked =
      run_ember("compare --dataset digits --activations relu --epochs 2 --plot-boundary " + dir.file("d.svg"));
  CHECK(asked.status == 2);
  CHECK(asked.err.find("--plot-boundary: no decision boundary to draw: the data has 64 features") != std::string::npos);
}

TEST_CASE("in a grid, each activation's pictures are of its chosen setting", "[cli][report]") {
  TempDir dir;
  const auto r = run_ember(
      "compare --activations sigmoid,relu --lr 1e-3,1e-2 --epochs 15 --boundary-grid 20 "
      "--report " +
      dir.file("g.html") + " --json");
  REQUIRE(r.status == 0);
  const std::string html = read_file(dir.file("g.html"));
  CHECK(count_of(html, "class=\"boundary-step\"") == 2 * 4);  // epochs 1, 2, 5 and 15
  const nlohmann::json summary = nlohmann::json::parse(r.out).at("summary");
  for (const nlohmann::json& row : summary) {
    const std::string lr = row.at("lr").get<double>() == 0.01 ? "0.01" : "0.001";
    CHECK(html.find("<figcaption>" + row.at("activation").get<std::string>() + " (lr " + lr + ")</figcaption>") !=
          std::string::npos);
  }
  CHECK(html.find("<section id=\"grid\">") != std::string::npos);
}
