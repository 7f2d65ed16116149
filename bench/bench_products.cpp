// Probe: the matrix products of one training step of each workload, timed alone in the layouts
// Ember could choose, to find the slow ones (PERFORMANCE.md: X·Wᵀ at k = 784 ran 10x slow on
// one machine). Not part of the table; run it when the product code or the machine changes:
//   ember_bench_products [threads]            (Eigen's own products)
//   ember_bench_products_openblas [threads]   (OpenBLAS's, as Ember uses them)
#include <Eigen/Core>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

using RM = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using CM = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::ColMajor>;

namespace {

double median_us(const std::function<void()>& f, double flops) {
  const int reps = std::max(5, std::min(2000, static_cast<int>(2e9 / std::max(flops, 1.0) / 50)));
  for (int i = 0; i < 3; ++i) f();
  std::vector<double> us;
  for (int i = 0; i < reps; ++i) {
    const auto start = std::chrono::steady_clock::now();
    f();
    us.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(us.begin(), us.end());
  return us[us.size() / 2];
}

// The machine is shared: the best of three medians, so a slow spell of a neighbour does not decide.
double best_median_us(const std::function<void()>& f, double flops) {
  double best = median_us(f, flops);
  for (int i = 0; i < 2; ++i) best = std::min(best, median_us(f, flops));
  return best;
}

void report(const char* what, long m, long n, long k, double us) {
  std::printf("%-44s %5ld x %5ld x %5ld  %9.2f us  %6.1f GFLOP/s\n", what, m, n, k, us, 2.0 * m * n * k / us / 1e3);
}

// The products of a Linear layer Y = X Wᵀ (X [N, in], W [out, in]) and its backward
// (dX = dY W, dW = dYᵀ X), in the layouts Ember could use.
void layer(long n, long in, long out) {
  std::printf("-- layer N=%ld in=%ld out=%ld\n", n, in, out);
  RM X = RM::Random(n, in), W = RM::Random(out, in), dY = RM::Random(n, out);
  RM Wt = W.transpose();  // a transposed copy, [in, out]
  RM Y(n, out), dX(n, in), dW(out, in);
  CM Wc = W;  // W stored column-major: the same memory as Wᵀ row-major
  const double f = 2.0 * n * in * out;
  report("Y = X * W^T            (RM, current)", n, out, in,
         best_median_us([&] { Y.noalias() = X * W.transpose(); }, f));
  report("Y = X * Wt             (RM copy of W^T)", n, out, in, best_median_us([&] { Y.noalias() = X * Wt; }, f));
  report("Y = X * Wc^T           (W col-major)", n, out, in,
         best_median_us([&] { Y.noalias() = X * Wc.transpose(); }, f));
  report("Y^T = W * X^T          (Y^T as CM)", out, n, in,
         best_median_us([&] { Y.transpose().noalias() = W * X.transpose(); }, f));
  report("dW = dY^T * X          (current)", out, in, n, best_median_us([&] { dW.noalias() = dY.transpose() * X; }, f));
  report("dX = dY * W            (current)", n, in, out, best_median_us([&] { dX.noalias() = dY * W; }, f));
}

}  // namespace

#ifdef EIGEN_USE_BLAS
extern "C" void openblas_set_num_threads(int threads);
#endif

int main(int argc, char** argv) {
  const int threads = argc > 1 ? std::atoi(argv[1]) : 1;
#ifdef EIGEN_USE_BLAS
  Eigen::setNbThreads(1);  // as Ember does: OpenBLAS threads each product
  openblas_set_num_threads(threads);
  std::printf("products by OpenBLAS\n");
#else
  Eigen::setNbThreads(threads);
#endif
  std::printf("threads %d (Eigen %d.%d.%d, SIMD %s)\n", threads, EIGEN_WORLD_VERSION, EIGEN_MAJOR_VERSION,
              EIGEN_MINOR_VERSION, Eigen::SimdInstructionSetsInUse());
  std::ptrdiff_t l1, l2, l3;
  Eigen::internal::manage_caching_sizes(Eigen::GetAction, &l1, &l2, &l3);
  std::printf("Eigen's cache sizes: L1 %td KiB, L2 %td KiB, L3 %td KiB\n", l1 / 1024, l2 / 1024, l3 / 1024);
  layer(64, 10, 64);    // tiny fc1
  layer(64, 64, 32);    // tiny fc2
  layer(64, 32, 5);     // tiny fc3
  layer(128, 784, 64);  // fashion fc1: the k = 784 shape
  layer(128, 783, 64);
  layer(128, 800, 64);
  layer(128, 64, 32);      // fashion fc2
  layer(128, 32, 10);      // fashion fc3
  layer(256, 784, 1024);   // wide fc1
  layer(256, 1024, 1024);  // wide fc2
  layer(256, 1024, 10);    // wide fc3
  return 0;
}
