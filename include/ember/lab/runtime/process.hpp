// Process-wide settings: how many threads the matrix products use, and how the allocator keeps
// memory. They are the program's to decide, not the library's: linking Ember changes nothing
// global. The `ember` executable and the benchmarks call tune_process() first thing; a program of
// your own may call it too, or leave the process as the C++ runtime, Eigen and OpenBLAS set it up.
#pragma once

namespace ember {

// The settings `ember` runs with, measured in bench/README.md:
// - one thread: at the sizes Ember is made for (a 64 x 32 layer, a batch of 32) starting threads
//   costs more than the work they share, and on a busy machine waiting threads make it far worse
//   (a tiny training step 3x slower on two threads). `--threads N` raises it for wide layers.
// - freed memory stays in the process (glibc): every training step frees and re-allocates the same
//   buffers, and by default glibc hands blocks over 128 KiB back to the OS, then maps them in again,
//   zeroed, one page fault per 4 KiB: 15-30% of a step of the wide benchmark. With this, blocks up
//   to 32 MiB come from the heap, which is trimmed only when 256 MiB of it lies free.
void tune_process();

// The threads of the matrix products (Eigen's, or OpenBLAS's when Ember is built with it) and of
// any OpenMP loop; >= 1.
void set_num_threads(int threads);

}  // namespace ember
