#include "pg/placeholders.h"

namespace csu::pg {
namespace {

bool IdentChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$' ||
         static_cast<unsigned char>(c) >= 0x80;
}
bool Digit(char c) { return c >= '0' && c <= '9'; }

Error At(size_t pos, const std::string& why) { return MakeError("SQL at byte " + std::to_string(pos), why); }

}  // namespace

Result<TranslatedSql> TranslatePlaceholders(std::string_view sql) {
  TranslatedSql out;
  out.text.reserve(sql.size() + 8);
  const size_t n = sql.size();
  size_t i = 0;
  while (i < n) {
    const char c = sql[i];
    if (c == '\'') {
      // E'...' (and e'...') honours backslash escapes; '' is a quote inside either.
      const bool escapes = i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e') && (i < 2 || !IdentChar(sql[i - 2]));
      const size_t start = i++;
      bool closed = false;
      while (i < n) {
        if (escapes && sql[i] == '\\') {
          i += 2;
          continue;
        }
        if (sql[i] == '\'') {
          if (i + 1 < n && sql[i + 1] == '\'') {
            i += 2;
            continue;
          }
          ++i;
          closed = true;
          break;
        }
        ++i;
      }
      if (!closed) return At(start, "a string literal is not closed");
      out.text.append(sql.substr(start, i - start));
    } else if (c == '"') {
      const size_t start = i++;
      bool closed = false;
      while (i < n) {
        if (sql[i] == '"') {
          if (i + 1 < n && sql[i + 1] == '"') {
            i += 2;
            continue;
          }
          ++i;
          closed = true;
          break;
        }
        ++i;
      }
      if (!closed) return At(start, "a quoted identifier is not closed");
      out.text.append(sql.substr(start, i - start));
    } else if (c == '-' && i + 1 < n && sql[i + 1] == '-') {
      const size_t end = sql.find('\n', i);
      const size_t stop = end == std::string_view::npos ? n : end;
      out.text.append(sql.substr(i, stop - i));
      i = stop;
    } else if (c == '/' && i + 1 < n && sql[i + 1] == '*') {
      const size_t start = i;
      int depth = 0;
      while (i < n) {
        if (i + 1 < n && sql[i] == '/' && sql[i + 1] == '*') {
          ++depth;
          i += 2;
        } else if (i + 1 < n && sql[i] == '*' && sql[i + 1] == '/') {
          --depth;
          i += 2;
          if (depth == 0) break;
        } else {
          ++i;
        }
      }
      if (depth != 0) return At(start, "a comment is not closed");
      out.text.append(sql.substr(start, i - start));
    } else if (c == '$' && (i == 0 || !IdentChar(sql[i - 1]))) {
      if (i + 1 < n && Digit(sql[i + 1])) return At(i, "native $N placeholders are not used here; write ?N");
      // $tag$ ... $tag$: the tag is empty or an identifier not starting with a digit.
      size_t j = i + 1;
      while (j < n && IdentChar(sql[j]) && sql[j] != '$') ++j;
      if (j < n && sql[j] == '$') {
        const std::string_view tag = sql.substr(i, j - i + 1);
        const size_t end = sql.find(tag, j + 1);
        if (end == std::string_view::npos) return At(i, "a dollar-quoted string is not closed");
        out.text.append(sql.substr(i, end + tag.size() - i));
        i = end + tag.size();
      } else {
        out.text += c;
        ++i;
      }
    } else if (c == '?') {
      const size_t start = i++;
      int number = 0;
      if (i < n && Digit(sql[i])) {
        while (i < n && Digit(sql[i])) {
          number = number * 10 + (sql[i] - '0');
          if (number > kMaxPlaceholder) return At(start, "a placeholder number is above " + std::to_string(kMaxPlaceholder));
          ++i;
        }
        if (number == 0) return At(start, "placeholders are numbered from 1");
      } else {
        number = out.parameters + 1;
        if (number > kMaxPlaceholder) return At(start, "more than " + std::to_string(kMaxPlaceholder) + " placeholders");
      }
      if (number > out.parameters) out.parameters = number;
      out.text += '$';
      out.text += std::to_string(number);
      // "?1x" would become "$1x": keep a following identifier apart.
      if (i < n && IdentChar(sql[i])) out.text += ' ';
    } else {
      out.text += c;
      ++i;
    }
  }
  return out;
}

}  // namespace csu::pg
