// The benchmark's workloads, its timer and its memory probes, shared by the Ember and plain-Eigen
// benchmarks (bench_ember.cpp, bench_eigen.cpp) and mirrored in torch_bench.py.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include <sys/resource.h>

#include "ember/core/engine/format.hpp"

// The article's MyModel, D -> H1 -> H2 -> C with ReLU, trained on one fixed batch of N rows.
struct Workload {
  const char* name;
  long inputs, hidden1, hidden2, classes, batch;
  int steps;  // timed steps (after warm-up)
};

inline const std::vector<Workload>& workloads() {
  static const std::vector<Workload> all = {
      {"tiny", 10, 64, 32, 5, 64, 4000},
      {"fashion", 784, 64, 32, 10, 128, 1500},
      {"wide", 784, 1024, 1024, 10, 256, 40},
  };
  return all;
}

// ---- heap allocations (alloc_count.cpp counts every malloc, calloc, realloc and aligned alloc) ----
std::size_t allocation_count();

// Resident memory of this process now, in KiB (from /proc/self/statm).
inline long resident_kib() {
  long pages_total = 0, pages_resident = 0;
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld %ld", &pages_total, &pages_resident) != 2) pages_resident = 0;
    std::fclose(f);
  }
  return pages_resident * 4;
}

// Minor page faults of this process so far: memory the kernel had to map (and zero) on first touch.
inline long page_faults() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_minflt;
}

// ---- timing ----
struct Timing {
  double median_us = 0, q1_us = 0, q3_us = 0;
  double allocs_per_step = 0;  // heap allocations per step, steady state
  long rss_growth_kib = 0;     // resident memory growth over the second half of the timed steps
  double faults_per_step = 0;  // minor page faults per step, second half
};

// One training step of some implementation, owning its model, data and optimizer.
using TimedStep = std::function<void()>;

// Times several implementations of the same step, interleaved: `blocks` rounds, each running every
// implementation for steps / blocks steps, so a slow spell of the machine (another process, a busy
// neighbour of this virtual CPU) falls on all of them alike and their ratio stays meaningful.
// Each is warmed up first, and its heap allocations counted over one step. Memory growth and page
// faults are the whole process's over the second half of the timed steps (the plain-Eigen step
// allocates nothing): flat memory shows as 0, whatever the heap settled into during the first half.
inline std::vector<Timing> time_interleaved(const std::vector<TimedStep>& impls, int steps, int warmup,
                                            int blocks = 20) {
  std::vector<Timing> timings(impls.size());
  std::vector<std::vector<double>> us(impls.size());
  for (std::size_t k = 0; k < impls.size(); ++k) {
    for (int i = 0; i < warmup; ++i) impls[k]();
    const std::size_t allocs_before = allocation_count();
    impls[k]();
    timings[k].allocs_per_step = static_cast<double>(allocation_count() - allocs_before);
    us[k].assign(static_cast<std::size_t>(steps) + 1, 0.0);  // its pages written now, not while timed
    us[k].clear();
  }
  blocks = std::max(2, std::min(blocks, steps));
  long rss_halfway = 0, faults_halfway = 0;
  for (int b = 0; b < blocks; ++b) {
    if (b == blocks / 2) rss_halfway = resident_kib(), faults_halfway = page_faults();
    const int n = steps / blocks + (b < steps % blocks ? 1 : 0);
    for (std::size_t k = 0; k < impls.size(); ++k) {
      for (int i = 0; i < n; ++i) {
        const auto start = std::chrono::steady_clock::now();
        impls[k]();
        us[k].push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count());
      }
    }
  }
  const long rss_growth = resident_kib() - rss_halfway;
  const double faults = static_cast<double>(page_faults() - faults_halfway) / (steps - steps / 2);
  for (std::size_t k = 0; k < impls.size(); ++k) {
    std::vector<double>& v = us[k];
    std::sort(v.begin(), v.end());
    timings[k].median_us = v[v.size() / 2];
    timings[k].q1_us = v[v.size() / 4];
    timings[k].q3_us = v[v.size() * 3 / 4];
    timings[k].rss_growth_kib = rss_growth;
    timings[k].faults_per_step = faults;
  }
  return timings;
}

// One result line, tab-separated, parsed by run.py:
// impl  workload  optimizer  threads  median_us  q1_us  q3_us  allocs_per_step  rss_growth_kib  faults_per_step
inline void print_result(const std::string& impl, const std::string& workload, const std::string& optimizer,
                         int threads, const Timing& t) {
  using ember::format_fixed;
  std::printf("%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\t%ld\t%s\n", impl.c_str(), workload.c_str(), optimizer.c_str(), threads,
              format_fixed(t.median_us, 3).c_str(), format_fixed(t.q1_us, 3).c_str(), format_fixed(t.q3_us, 3).c_str(),
              format_fixed(t.allocs_per_step, 0).c_str(), t.rss_growth_kib, format_fixed(t.faults_per_step, 1).c_str());
  std::fflush(stdout);
}
