// set_num_threads: Eigen's threaded products and any OpenMP loop of ours follow one setting.
#include "ember/threads.hpp"

#include <Eigen/Core>
#include <stdexcept>
#include <string>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace ember {

void set_num_threads(int threads) {
  if (threads < 1) throw std::invalid_argument("set_num_threads: need at least 1 thread, got " + std::to_string(threads));
  Eigen::setNbThreads(threads);
#ifdef _OPENMP
  omp_set_num_threads(threads);
#endif
}

int num_threads() { return Eigen::nbThreads(); }

}  // namespace ember
