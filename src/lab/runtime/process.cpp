// tune_process and set_num_threads: the settings of process.hpp, each applied to every library
// that has its own (Eigen, OpenBLAS, OpenMP, glibc's allocator).
#include "ember/lab/runtime/process.hpp"

#include <stdexcept>
#include <string>

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "ember/core/engine/scalar.hpp"  // Eigen, included as every Ember file includes it

#ifdef _OPENMP
#include <omp.h>
#endif

#ifdef EMBER_OPENBLAS
extern "C" void openblas_set_num_threads(int threads);
#endif

namespace ember {

void tune_process() {
  set_num_threads(1);
#ifdef __GLIBC__
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
#endif
}

void set_num_threads(int threads) {
  if (threads < 1) throw std::invalid_argument("threads must be at least 1, got " + std::to_string(threads));
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

}  // namespace ember
