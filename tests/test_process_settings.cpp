// The test program runs with the process settings the `ember` program uses (tune_process: one
// thread, freed memory kept; formula activations registered), so the figures it checks in-process
// are the program's. The library itself sets nothing: this listener does, before the first test.
#define CATCH_CONFIG_EXTERNAL_INTERFACES  // the listener interface
#include <catch2/catch.hpp>

#include "ember/lab/formula/formula_activation.hpp"
#include "ember/lab/runtime/process.hpp"

namespace {

struct ProcessSettings : Catch::TestEventListenerBase {
  using TestEventListenerBase::TestEventListenerBase;
  void testRunStarting(const Catch::TestRunInfo&) override {
    ember::tune_process();
    ember::register_formula_activations();  // as the program does: formulas wherever activations go
  }
};

}  // namespace

CATCH_REGISTER_LISTENER(ProcessSettings)
