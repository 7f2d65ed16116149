// Parsing a command's argv, and the usage errors it raises: cxxopts' complaints restated with the option they
// are about, a misspelt option answered with the nearest one, a stray word, an empty --hidden.
#include <string>
#include <vector>

#include "cli_options.hpp"
#include "commands.hpp"
#include "suggest.hpp"

namespace ember::cli {

namespace {

// cxxopts says "Argument 'abc' failed to parse" without the option; find it in argv ("--epochs abc"
// or "--epochs=abc") so the message names the option, as every other usage error does.
std::string name_bad_value(const std::string& message, int argc, char** argv) {
  const std::string open = "\xE2\x80\x98", close = "\xE2\x80\x99";  // cxxopts' quotes: U+2018, U+2019
  const auto begin = message.find(open), end = message.rfind(close);
  if (begin == std::string::npos || end == std::string::npos || end < begin + open.size()) return message;
  const std::string value = message.substr(begin + open.size(), end - begin - open.size());
  std::string option;
  for (int i = 1; i < argc && option.empty(); ++i) {
    const std::string arg = argv[i];
    const auto equals = arg.find('=');
    if (arg.rfind("--", 0) == 0 && equals != std::string::npos && arg.substr(equals + 1) == value)
      option = arg.substr(0, equals);
    else if (arg.rfind("-", 0) == 0 && i + 1 < argc && argv[i + 1] == value) option = arg;
  }
  if (option.empty()) return message;
  const bool whole = option == "--epochs" || option == "--batch-size" || option == "--samples" ||
                     option == "--threads" || option == "--seeds" || option == "--classes" || option == "--jobs";
  const char* expected = option == "--seed" ? "a whole number >= 0" : whole ? "a whole number" : "a number";
  return option + ": expected " + expected + ", got \"" + value + "\"";
}

}  // namespace

cxxopts::ParseResult parse_or_usage(cxxopts::Options& options, int argc, char** argv) {
  try {
    auto args = options.parse(argc, argv);
    if (!args.unmatched().empty()) throw UsageError(unexpected_argument_message(options, args.unmatched().front()));
    check_not_empty_hidden(args);
    return args;
  } catch (const cxxopts::exceptions::no_such_option& e) {
    throw UsageError(unknown_option_message(options, e.what(), argc, argv));
  } catch (const cxxopts::exceptions::incorrect_argument_type& e) {
    throw UsageError(plain_quotes(name_bad_value(e.what(), argc, argv)));
  } catch (const cxxopts::exceptions::exception& e) {
    throw UsageError(plain_quotes(e.what()));
  }
}

// ---- usage errors: a misspelt option, a stray word, an empty --hidden ----

namespace {

// Every long option name of the command, "help" included.
std::vector<std::string> long_option_names(const cxxopts::Options& options) {
  std::vector<std::string> names;
  for (const std::string& group : options.groups()) {
    for (const cxxopts::HelpOptionDetails& option : options.group_help(group).options)
      names.insert(names.end(), option.l.begin(), option.l.end());
  }
  return names;
}

// "; did you mean --epochs?", or "" when no option is near `typed`.
std::string did_you_mean(const cxxopts::Options& options, const std::string& typed) {
  const std::string nearest = closest_name(typed, long_option_names(options));
  return nearest.empty() ? "" : "; did you mean --" + nearest + "?";
}

}  // namespace

std::string unknown_option_message(const cxxopts::Options& options, const std::string& message, int argc, char** argv) {
  const std::string open = "\xE2\x80\x98", close = "\xE2\x80\x99";  // cxxopts: "Option 'name' does not exist"
  const auto begin = message.find(open), end = message.rfind(close);
  if (begin == std::string::npos || end == std::string::npos || end < begin + open.size()) return plain_quotes(message);
  std::string name = message.substr(begin + open.size(), end - begin - open.size());
  std::string typed = "--" + name;
  // A single letter is a short option ("-x"), or the first letter of "-epochs" (one dash), which
  // cxxopts reads as the letters e, p, o...: then the whole word is what was typed.
  if (name.size() == 1) {
    typed = "-" + name;
    for (int i = 1; i < argc; ++i) {
      const std::string arg = argv[i];
      if (arg.size() > 2 && arg[0] == '-' && arg[1] == name[0]) {
        name = arg.substr(1, arg.find('=') == std::string::npos ? std::string::npos : arg.find('=') - 1);
        typed = "-" + name;
        break;
      }
    }
  }
  return "unknown option " + typed + (name.size() > 1 ? did_you_mean(options, name) : "");
}

std::string unexpected_argument_message(const cxxopts::Options& options, const std::string& argument) {
  return "unexpected argument \"" + argument + "\"" + did_you_mean(options, argument);
}

void check_not_empty_hidden(const cxxopts::ParseResult& args) {
  if (args.count("hidden") && args["hidden"].as<std::string>().empty()) {
    throw UsageError(
        "--hidden: give at least one hidden layer size (e.g. 64,32): the model's activation sits between layers");
  }
}

}  // namespace ember::cli
