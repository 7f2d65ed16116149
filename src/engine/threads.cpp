// set_num_threads: the threaded matrix products (Eigen's, or OpenBLAS's when Ember is built with it)
// and any OpenMP loop of ours follow one setting.
#include "ember/threads.hpp"

#include <stdexcept>
#include <string>

#include "ember/scalar.hpp"  // Eigen, included as every Ember file includes it

#ifdef _OPENMP
#include <omp.h>
#endif

#ifdef EMBER_OPENBLAS
extern "C" void openblas_set_num_threads(int threads);
#endif

namespace ember {

namespace {
int configured_threads = 1;
}

void set_num_threads(int threads) {
  if (threads < 1) throw std::invalid_argument("set_num_threads: need at least 1 thread, got " + std::to_string(threads));
  configured_threads = threads;
#ifdef EMBER_OPENBLAS
  // Eigen passes each product whole to OpenBLAS, which threads it; Eigen must not split it first.
  Eigen::setNbThreads(1);
  openblas_set_num_threads(threads);
#else
  Eigen::setNbThreads(threads);
#endif
#ifdef _OPENMP
  omp_set_num_threads(threads);
#endif
}

int num_threads() { return configured_threads; }

}  // namespace ember
