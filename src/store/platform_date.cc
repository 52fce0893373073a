#include "store/platform_date.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "core/file.h"

namespace csu::store {
namespace {

std::string PathOf(const std::string& dir) { return dir + "/platform-date"; }

std::string UkDate(Date d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d/%02d/%04d", d.day(), d.month(), d.year());
  return buf;
}

}  // namespace

Result<std::optional<Date>> ReadPlatformDate(const std::string& dir) {
  struct stat st {};
  if (::stat(PathOf(dir).c_str(), &st) != 0) return std::optional<Date>();
  CSU_ASSIGN_OR_RETURN(text, ReadFile(PathOf(dir)));
  std::string_view line(text);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
  auto date = Date::Parse(line);
  if (!date.ok()) {
    return MakeError(PathOf(dir), "does not hold a platform date (YYYY-MM-DD): " + date.error().why +
                                      "; set it again with 'csu store platform-date --set' or clear it with --clear");
  }
  return std::optional<Date>(date.value());
}

Status WritePlatformDate(const std::string& dir, std::optional<Date> date) {
  if (!date) {
    if (::unlink(PathOf(dir).c_str()) != 0 && errno != ENOENT)
      return MakeError(PathOf(dir), std::string("cannot remove: ") + std::strerror(errno));
    return Status::Ok();
  }
  AtomicFileWriter out(PathOf(dir));
  if (Status s = out.Open(); !s.ok()) return s;
  out.Append(date->ToString() + "\n");
  return out.Commit();
}

std::string PlatformDateNotice(Date platform, Date real) {
  return "platform date " + UkDate(platform) + " (the real date is " + UkDate(real) + ")";
}

}  // namespace csu::store
