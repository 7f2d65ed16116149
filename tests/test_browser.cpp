// The HTML report in a real browser: headless Chromium (Debian's `chromium`, which scripts/setup.sh
// installs) loads the page as a learner's browser would. It must log nothing to the console (no script
// error), hold every section, let the slider change the decision-boundary pictures shown, and look like
// something: a screenshot that is not blank. Where Chromium cannot run, the test says so and passes.
// The page is driven by a copy of it with two scripts added (one to catch errors, one to move the
// slider and write what it saw into the DOM), which --dump-dom then prints.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <set>

#include "cli_runner.hpp"
#include "png_check.hpp"
#include "test_data_files.hpp"

using ember_test::read_file;
using ember_test::run_ember;
using ember_test::TempDir;

namespace {

bool chromium_runs() {
  return std::system(
             "command -v chromium >/dev/null 2>&1 && timeout 60 chromium --headless --no-sandbox "
             "--disable-gpu --user-data-dir=\"$(mktemp -d)\" --dump-dom about:blank >/dev/null 2>&1") == 0;
}

// Runs headless Chromium on `page` with `flags`; stdout to `out`, stderr (its log, console messages) to `log`.
int chromium(const TempDir& dir, const std::string& flags, const std::string& page, const std::string& out,
             const std::string& log) {
  const std::string command =
      "timeout 120 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars "
      "--user-data-dir=" +
      dir.file("profile") + " " + flags + " file://" + page + " >" + out + " 2>" + log + " </dev/null";
  return std::system(command.c_str());
}

// Every console line Chromium logged (a console.log, an uncaught error, a failed load).
std::vector<std::string> console_lines(const std::string& log) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < log.size()) {
    const std::size_t end = std::min(log.find('\n', start), log.size());
    const std::string line = log.substr(start, end - start);
    if (line.find(":CONSOLE") != std::string::npos) lines.push_back(line);
    start = end + 1;
  }
  return lines;
}

constexpr const char* kCatchErrors = R"(<script>
window.__errors = [];
window.addEventListener('error', function (e) { window.__errors.push(String(e.message)); });
['error', 'warn'].forEach(function (level) {
  var original = console[level];
  console[level] = function () {
    window.__errors.push(level + ': ' + Array.prototype.join.call(arguments, ' '));
    original.apply(console, arguments);
  };
});
</script>)";

// What a learner does: look at the pictures shown, move the slider to the first epoch, look again.
constexpr const char* kDrive = R"(<script>
window.addEventListener('load', function () {
  function shown() {
    return Array.prototype.map.call(document.querySelectorAll('figure.boundary'), function (figure) {
      return Array.prototype.filter.call(figure.querySelectorAll('.boundary-step'), function (step) {
        return step.offsetParent !== null;
      }).map(function (step) { return step.getAttribute('data-step'); }).join('+');
    }).join(',');
  }
  function first_image() {
    var steps = Array.prototype.filter.call(document.querySelectorAll('.boundary-step'), function (step) {
      return step.offsetParent !== null;
    });
    var image = steps.length ? steps[0].querySelector('image') : null;
    return image ? image.getAttribute('href').length + ':' + image.getAttribute('href').slice(-40) : '';
  }
  var result = {sections: Array.prototype.map.call(document.querySelectorAll('section'), function (s) { return s.id; }),
                plots: document.querySelectorAll('figure.plot svg').length,
                label_before: document.getElementById('epoch-label').textContent,
                shown_before: shown(), image_before: first_image()};
  var slider = document.getElementById('epoch-slider');
  slider.value = 0;
  slider.dispatchEvent(new Event('input'));
  result.label_after = document.getElementById('epoch-label').textContent;
  result.shown_after = shown();
  result.image_after = first_image();
  result.errors = window.__errors;
  document.body.setAttribute('data-test-result', JSON.stringify(result));
});
</script>)";

std::string unescape_attribute(std::string text) {
  for (const auto& [entity, plain] : std::vector<std::pair<std::string, std::string>>{
           {"&quot;", "\""}, {"&lt;", "<"}, {"&gt;", ">"}, {"&#39;", "'"}, {"&amp;", "&"}}) {
    for (std::size_t at = text.find(entity); at != std::string::npos; at = text.find(entity, at + plain.size()))
      text.replace(at, entity.size(), plain);
  }
  return text;
}

}  // namespace

TEST_CASE("the report in headless Chromium: no console error, every section, a working slider, a picture",
          "[browser][report]") {
  if (!chromium_runs()) {
    WARN("skipped: headless Chromium (Debian's chromium) is not installed or cannot start here");
    return;
  }
  TempDir dir;
  const std::string page = dir.file("study.html");
  REQUIRE(run_ember("compare --seeds 3 --epochs 30 --report " + page).status == 0);

  // The page as it is: nothing in the console at all.
  REQUIRE(chromium(dir, "--enable-logging=stderr --v=0 --virtual-time-budget=5000 --dump-dom", page,
                   dir.file("dom.html"), dir.file("load.log")) == 0);
  const std::vector<std::string> console = console_lines(read_file(dir.file("load.log")));
  INFO("console: " << (console.empty() ? "" : console.front()));
  CHECK(console.empty());
  const std::string dom = read_file(dir.file("dom.html"));
  CHECK(dom.find("id=\"epoch-slider\"") != std::string::npos);

  // The page driven: the error catcher first in <head>, the driver last in <body>.
  std::string driven = read_file(page);
  driven.insert(driven.find("<head>") + 6, kCatchErrors);
  driven.insert(driven.rfind("</body>"), kDrive);
  const std::string driven_page = dir.write("driven.html", driven);
  REQUIRE(chromium(dir, "--virtual-time-budget=5000 --dump-dom", driven_page, dir.file("driven-dom.html"),
                   dir.file("driven.log")) == 0);
  const std::string driven_dom = read_file(dir.file("driven-dom.html"));
  const std::size_t at = driven_dom.find("data-test-result=\"");
  REQUIRE(at != std::string::npos);
  const std::size_t start = at + 18, end = driven_dom.find('"', start);
  const nlohmann::json result = nlohmann::json::parse(unescape_attribute(driven_dom.substr(start, end - start)));
  INFO(result.dump(1));
  CHECK(result.at("errors").empty());
  const std::vector<std::string> sections = result.at("sections").get<std::vector<std::string>>();
  for (const char* id : {"settings", "summary", "pairs", "findings", "curves", "layers", "boundaries"})
    CHECK(std::find(sections.begin(), sections.end(), id) != sections.end());
  CHECK(result.at("plots").get<int>() >= 5);
  // Opened at the last epoch, one picture per activation; the slider at 0 shows epoch 1's instead.
  CHECK(result.at("label_before") == "epoch 30");
  CHECK(result.at("shown_before") == "3,3,3,3");
  CHECK(result.at("label_after") == "epoch 1");
  CHECK(result.at("shown_after") == "0,0,0,0");
  CHECK(result.at("image_before") != result.at("image_after"));

  // A screenshot of the top of the page: not blank — many colours, and ink on a good part of it.
  REQUIRE(chromium(dir, "--window-size=1280,2400 --virtual-time-budget=5000 --screenshot=" + dir.file("shot.png"), page,
                   dir.file("shot.out"), dir.file("shot.log")) == 0);
  const ember_test::DecodedPng shot = ember_test::decode_png(read_file(dir.file("shot.png")));
  REQUIRE(shot.problem == "");
  CHECK(shot.width == 1280);
  std::set<std::uint32_t> colours;
  std::size_t inked = 0;
  const std::size_t pixels = shot.pixels.size() / static_cast<std::size_t>(shot.channels);
  for (std::size_t p = 0; p < pixels; ++p) {
    const std::uint8_t* px = &shot.pixels[p * static_cast<std::size_t>(shot.channels)];
    colours.insert(static_cast<std::uint32_t>(px[0]) << 16 | static_cast<std::uint32_t>(px[1]) << 8 | px[2]);
    if (px[0] < 235 || px[1] < 235 || px[2] < 235) ++inked;
  }
  CHECK(colours.size() >= 200);
  CHECK(inked > pixels / 20);
}
