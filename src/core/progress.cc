#include "core/progress.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "core/text.h"

namespace csu {

Progress::Progress(std::string label, std::string unit)
    : label_(std::move(label)),
      unit_(std::move(unit)),
      enabled_(::isatty(STDERR_FILENO) == 1 && std::getenv("CI") == nullptr),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

Progress::~Progress() { Finish(); }

double Progress::elapsed_seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void Progress::Update(uint64_t done, double fraction) {
  if (!enabled_ || (++calls_ & 4095u) != 0) return;
  auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ < std::chrono::milliseconds(120)) return;
  last_draw_ = now;
  Draw(done, fraction);
}

void Progress::Draw(uint64_t done, double fraction) {
  double secs = elapsed_seconds();
  auto rate = static_cast<int64_t>(secs > 0 ? static_cast<double>(done) / secs : 0);
  std::string line = "\r\x1b[2K" + label_ + "  " + WithThousands(static_cast<int64_t>(done)) + " " + unit_ +
                     "  " + WithThousands(rate) + " " + unit_ + "/s";
  if (fraction >= 0) line += "  " + std::to_string(static_cast<int>(fraction * 100)) + "%";
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
  drawn_ = true;
}

void Progress::Finish() {
  if (drawn_) {
    std::fputs("\r\x1b[2K", stderr);
    std::fflush(stderr);
    drawn_ = false;
  }
}

}  // namespace csu
