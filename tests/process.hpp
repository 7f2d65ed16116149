// `ember` run in the background as a process of its own (fork/exec), for the tests that signal it:
// wait for what it prints, send SIGINT or SIGTERM, and read its exit status, stdout and stderr.
// Used by test_robustness_saving.cpp (train --save under signals) and test_compare.cpp.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "cli_runner.hpp"

namespace ember_test {

// `ember args...` in the background, stdout and stderr into files, stdin from /dev/null.
class Process {
 public:
  Process(const std::vector<std::string>& args, const std::string& out, const std::string& err) : out_(out), err_(err) {
    std::vector<std::string> words{EMBER_BINARY};
    words.insert(words.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& w : words) argv.push_back(w.data());
    argv.push_back(nullptr);
    pid_ = ::fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {  // the child: only async-signal-safe calls until exec
      const int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      const int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      const int in = ::open("/dev/null", O_RDONLY);
      if (o < 0 || e < 0 || in < 0) ::_exit(127);
      ::dup2(in, 0);
      ::dup2(o, 1);
      ::dup2(e, 2);
      sigset_t none;  // the test runner may block signals; the child must see them
      sigemptyset(&none);
      ::sigprocmask(SIG_SETMASK, &none, nullptr);
      ::signal(SIGINT, SIG_DFL);
      ::signal(SIGTERM, SIG_DFL);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
  }
  ~Process() {
    if (pid_ > 0 && !reaped_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  // True once `ember` itself (not the forked copy of this test program before exec, which has the
  // test runner's handlers) handles SIGINT and SIGTERM: bits 1 and 14 of SigCgt in
  // /proc/<pid>/status. From then on a signal asks it to stop rather than killing it.
  bool handles_signals() const {
    std::error_code ec;
    const std::filesystem::path exe = std::filesystem::read_symlink("/proc/" + std::to_string(pid_) + "/exe", ec);
    if (ec || exe != std::filesystem::canonical(EMBER_BINARY)) return false;
    std::ifstream status("/proc/" + std::to_string(pid_) + "/status");
    std::string line;
    while (std::getline(status, line)) {
      if (line.rfind("SigCgt:", 0) == 0) {
        const unsigned long long mask = std::stoull(line.substr(7), nullptr, 16);
        return (mask >> (SIGINT - 1) & 1) && (mask >> (SIGTERM - 1) & 1);
      }
    }
    return false;
  }

  // Polls `ready` every few milliseconds for up to `seconds`.
  template <typename Ready>
  bool wait_until(Ready ready, double seconds) const {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < deadline) {
      if (ready()) return true;
      if (exited()) return ready();
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return false;
  }

  void signal(int sig) const { REQUIRE(::kill(pid_, sig) == 0); }

  // Waits up to `seconds` for the exit; the raw wait status, or -1 (then the process is killed).
  int wait(double seconds) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        reaped_ = true;
        return status;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return -1;
  }

  std::string out() const { return read_file(out_); }
  std::string err() const { return read_file(err_); }

 private:
  bool exited() const {
    // A zombie still has /proc/<pid>; its State line says Z.
    std::ifstream status("/proc/" + std::to_string(pid_) + "/status");
    std::string line;
    while (std::getline(status, line)) {
      if (line.rfind("State:", 0) == 0) return line.find('Z') != std::string::npos;
    }
    return true;
  }

  pid_t pid_ = -1;
  bool reaped_ = false;
  std::string out_, err_;
};

// Sends `sig` once; the run must exit by itself (not be killed by the signal), with status 130.
inline void stops_with_status_130(Process& process, int sig) {
  process.signal(sig);
  const int status = process.wait(30);
  REQUIRE(status != -1);
  INFO("stderr: " << process.err());
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 130);
}

}  // namespace ember_test
