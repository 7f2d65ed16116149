// A small well-formedness check for the XML (SVG) Ember writes, shared by the plot and compare
// tests: one root element, tags balanced and properly nested, attributes quoted, entities valid.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

namespace ember_test {

// Every '&' must start one of XML's five entities or a numeric character reference.
inline bool entities_ok(const std::string& text) {
  for (std::size_t i = text.find('&'); i != std::string::npos; i = text.find('&', i + 1)) {
    const std::size_t end = text.find(';', i);
    if (end == std::string::npos) return false;
    const std::string name = text.substr(i + 1, end - i - 1);
    const bool numeric = name.size() > 1 && name[0] == '#';
    if (!numeric && name != "amp" && name != "lt" && name != "gt" && name != "quot" && name != "apos") return false;
  }
  return true;
}

// Returns "" for a well-formed document (one root element, tags balanced and properly nested,
// attributes quoted, no stray '<' or '&'), else what is wrong. Enough for the SVG we write.
inline std::string xml_problem(const std::string& doc) {
  std::vector<std::string> open;
  bool root_done = false;
  std::size_t i = 0;
  while (i < doc.size()) {
    if (doc[i] != '<') {
      const std::size_t next = std::min(doc.find('<', i), doc.size());
      const std::string text = doc.substr(i, next - i);
      if (!entities_ok(text)) return "bad entity in text: " + text;
      if (open.empty() && text.find_first_not_of(" \n\t\r") != std::string::npos) return "text outside the root";
      i = next;
      continue;
    }
    if (doc.compare(i, 5, "<?xml") == 0 && i == 0) {
      i = doc.find("?>", i);
      if (i == std::string::npos) return "unclosed <?xml";
      i += 2;
      continue;
    }
    const std::size_t end = doc.find('>', i);
    if (end == std::string::npos) return "unclosed tag";
    const std::string tag = doc.substr(i + 1, end - i - 1);
    if (tag.find('<') != std::string::npos) return "'<' inside a tag: " + tag;
    if (std::count(tag.begin(), tag.end(), '"') % 2 != 0) return "unbalanced quotes: " + tag;
    if (!entities_ok(tag)) return "bad entity in tag: " + tag;
    if (tag.empty()) return "empty tag";
    if (tag[0] == '/') {
      if (open.empty() || open.back() != tag.substr(1)) return "unexpected </" + tag.substr(1) + ">";
      open.pop_back();
      if (open.empty()) root_done = true;
    } else {
      if (open.empty() && root_done) return "a second root element";
      const std::string name = tag.substr(0, tag.find_first_of(" \n/"));
      if (tag.back() != '/') open.push_back(name);
      else if (open.empty()) root_done = true;
    }
    i = end + 1;
  }
  if (!open.empty()) return "unclosed <" + open.back() + ">";
  return root_done ? "" : "no root element";
}

}  // namespace ember_test
