// render_svg: Graphviz's `dot -Tsvg`, run as a program of its own (posix_spawnp: no shell, so no
// quoting and nothing of the text is ever read as a command). The DOT goes in through a temporary
// file, the SVG comes back through a pipe; dot's own messages go to our stderr.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "ember/lab/plot/autograd_graph.hpp"

extern char** environ;

namespace ember::plot {

namespace {

// A file in the temporary directory that is removed when this goes out of scope.
class TempFile {
 public:
  explicit TempFile(const std::string& content) {
    std::string pattern = (std::filesystem::temp_directory_path() / "ember-graph-XXXXXX").string();
    const int fd = ::mkstemp(pattern.data());
    if (fd < 0)
      throw std::runtime_error("cannot create a temporary file for dot: " + std::string(std::strerror(errno)));
    ::close(fd);
    path_ = pattern;
    std::ofstream out(path_, std::ios::binary);
    out << content;
    if (!out.flush()) throw std::runtime_error("cannot write the temporary file " + path_ + " for dot");
  }
  ~TempFile() { std::remove(path_.c_str()); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// `dot -Tsvg` with stdin from `input` and stdout into `out_fd`; its pid.
pid_t spawn_dot(const std::string& input, int out_fd, int unused_fd) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, input.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_fd, 1);
  posix_spawn_file_actions_addclose(&actions, out_fd);
  posix_spawn_file_actions_addclose(&actions, unused_fd);
  char program[] = "dot", format[] = "-Tsvg";
  char* argv[] = {program, format, nullptr};
  pid_t pid = -1;
  const int error = posix_spawnp(&pid, "dot", &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  if (error == ENOENT) throw GraphvizMissing("Graphviz's dot is not on PATH");
  if (error != 0) throw std::runtime_error("cannot run Graphviz's dot: " + std::string(std::strerror(error)));
  return pid;
}

}  // namespace

std::string render_svg(const std::string& dot_text) {
  const TempFile input(dot_text);
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) throw std::runtime_error("cannot run dot: pipe: " + std::string(std::strerror(errno)));
  pid_t pid = -1;
  try {
    pid = spawn_dot(input.path(), pipe_fds[1], pipe_fds[0]);
  } catch (...) {
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    throw;
  }
  ::close(pipe_fds[1]);  // ours: the read end sees the end of the file when dot closes its copy
  std::string svg;
  char buffer[65536];
  for (;;) {
    const ssize_t got = ::read(pipe_fds[0], buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    svg.append(buffer, static_cast<std::size_t>(got));
  }
  ::close(pipe_fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw std::runtime_error("dot -Tsvg failed (" +
                             (WIFEXITED(status) ? "exit status " + std::to_string(WEXITSTATUS(status))
                                                : "signal " + std::to_string(WTERMSIG(status))) +
                             "; its message, if any, is above)");
  }
  if (svg.find("<svg") == std::string::npos) throw std::runtime_error("dot -Tsvg wrote no SVG");
  return svg;
}

}  // namespace ember::plot
