// The benchmark's workloads, its timer and its memory probes, shared by the Ember and plain-Eigen
// benchmarks (bench_ember.cpp, bench_eigen.cpp) and mirrored in torch_bench.py.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <string>
#include <vector>

#include <sys/resource.h>

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
  long rss_growth_kib = 0;     // resident memory after the timed steps minus before them
  double faults_per_step = 0;  // minor page faults per timed step
};

// Runs `step` `warmup` times, then `steps` times timing each one; reports the median and quartiles.
template <typename Step>
Timing time_steps(Step&& step, int steps, int warmup) {
  for (int i = 0; i < warmup; ++i) step();
  const std::size_t allocs_before = allocation_count();
  step();
  Timing t;
  t.allocs_per_step = static_cast<double>(allocation_count() - allocs_before);
  const long rss_before = resident_kib();
  const long faults_before = page_faults();
  std::vector<double> us(static_cast<std::size_t>(steps));
  for (double& u : us) {
    const auto start = std::chrono::steady_clock::now();
    step();
    u = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count();
  }
  t.rss_growth_kib = resident_kib() - rss_before;
  t.faults_per_step = static_cast<double>(page_faults() - faults_before) / steps;
  std::sort(us.begin(), us.end());
  t.median_us = us[us.size() / 2];
  t.q1_us = us[us.size() / 4];
  t.q3_us = us[us.size() * 3 / 4];
  return t;
}

// One result line, tab-separated, parsed by run.py:
// impl  workload  optimizer  threads  median_us  q1_us  q3_us  allocs_per_step  rss_growth_kib  faults_per_step
inline void print_result(const std::string& impl, const std::string& workload, const std::string& optimizer,
                         int threads, const Timing& t) {
  std::printf("%s\t%s\t%s\t%d\t%.3f\t%.3f\t%.3f\t%.0f\t%ld\t%.1f\n", impl.c_str(), workload.c_str(),
              optimizer.c_str(), threads, t.median_us, t.q1_us, t.q3_us, t.allocs_per_step, t.rss_growth_kib,
              t.faults_per_step);
  std::fflush(stdout);
}
