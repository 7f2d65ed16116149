// The `ember` commands. Each is a function from its arguments (argv[0] is the command's name) to an
// exit status: 0 success, 1 failure, 2 usage error. Results go to stdout, progress and diagnostics
// to stderr (DESIGN.md, "The command line"). main.cpp dispatches and turns exceptions into messages.
#pragma once

#include <stdexcept>
#include <string>

namespace ember::cli {

// A mistake in how the command was called (unknown option, bad value): exit status 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

int cmd_demo(int argc, char** argv);
int cmd_datasets(int argc, char** argv);
int cmd_train(int argc, char** argv);
int cmd_eval(int argc, char** argv);
int cmd_predict(int argc, char** argv);
int cmd_compare(int argc, char** argv);
int cmd_info(int argc, char** argv);
int cmd_activation(int argc, char** argv);
int cmd_graph(int argc, char** argv);
int cmd_report(int argc, char** argv);
int cmd_replicate(int argc, char** argv);

}  // namespace ember::cli
