#include "core/csv_reader.h"

#include <cstring>

namespace csu {

CsvReader::CsvReader(std::string_view text) : text_(text) {
  if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
}

void CsvReader::SkipToNextLine(size_t from) {
  // Resume after the first line end following `from`, which is on line
  // record_line_; lines skipped inside a broken quote are not re-counted.
  const char* nl = static_cast<const char*>(std::memchr(text_.data() + from, '\n', text_.size() - from));
  pos_ = nl == nullptr ? text_.size() : static_cast<size_t>(nl - text_.data()) + 1;
  line_ = record_line_ + 1;
}

Result<bool> CsvReader::Next(std::vector<std::string_view>& fields) {
  fields.clear();
  const size_t n = text_.size();
  // Skip blank lines ("\n" or "\r\n" alone).
  while (pos_ < n) {
    if (text_[pos_] == '\n') {
      ++pos_;
      ++line_;
      ++blank_lines_;
    } else if (text_[pos_] == '\r' && pos_ + 1 < n && text_[pos_ + 1] == '\n') {
      pos_ += 2;
      ++line_;
      ++blank_lines_;
    } else {
      break;
    }
  }
  if (pos_ >= n) return false;

  const size_t start = pos_;
  record_line_ = line_;
  size_t used_scratch = 0;
  auto fail = [&](const char* why) -> Result<bool> {
    size_t end = text_.find('\n', start);
    record_text_ = text_.substr(start, (end == std::string_view::npos ? n : end) - start);
    if (!record_text_.empty() && record_text_.back() == '\r') record_text_.remove_suffix(1);
    SkipToNextLine(start);
    fields.clear();
    return MakeError("line " + std::to_string(record_line_), why);
  };

  size_t p = pos_;
  while (true) {
    if (p < n && text_[p] == '"') {
      // Quoted field.
      size_t q = p + 1;
      bool has_escape = false;
      while (true) {
        const char* hit = static_cast<const char*>(std::memchr(text_.data() + q, '"', n - q));
        if (hit == nullptr) return fail("unterminated quoted field");
        q = static_cast<size_t>(hit - text_.data());
        if (q + 1 < n && text_[q + 1] == '"') {
          has_escape = true;
          q += 2;
          continue;
        }
        break;  // q is the closing quote
      }
      std::string_view raw = text_.substr(p + 1, q - p - 1);
      for (char c : raw) line_ += c == '\n';
      if (has_escape) {
        if (used_scratch == unescaped_.size()) unescaped_.emplace_back();
        std::string& s = unescaped_[used_scratch++];
        s.clear();
        for (size_t i = 0; i < raw.size(); ++i) {
          s.push_back(raw[i]);
          if (raw[i] == '"') ++i;  // skip the second of a doubled quote
        }
        fields.push_back(s);
      } else {
        fields.push_back(raw);
      }
      p = q + 1;
      if (p >= n) break;
      if (text_[p] == ',') {
        ++p;
        continue;
      }
      if (text_[p] == '\n') {
        ++p;
        ++line_;
        break;
      }
      if (text_[p] == '\r' && p + 1 < n && text_[p + 1] == '\n') {
        p += 2;
        ++line_;
        break;
      }
      line_ = record_line_;
      // A quoted field that ran across line ends and then hit text is almost
      // always a quote left open on the record's first line; say that.
      if (raw.find('\n') != std::string_view::npos) return fail("unterminated quoted field");
      return fail("text after a closing quote");
    }
    // Unquoted field: up to the next comma or line end.
    size_t q = p;
    while (q < n && text_[q] != ',' && text_[q] != '\n') {
      if (text_[q] == '"') {
        line_ = record_line_;
        return fail("quote inside an unquoted field");
      }
      ++q;
    }
    size_t field_end = q;
    bool at_line_end = q >= n || text_[q] == '\n';
    if (at_line_end && field_end > p && text_[field_end - 1] == '\r') --field_end;
    fields.push_back(text_.substr(p, field_end - p));
    if (q >= n) {
      p = n;
      break;
    }
    p = q + 1;
    if (at_line_end) {
      ++line_;
      break;
    }
    if (p >= n) {  // a trailing comma at the very end: one more empty field
      fields.push_back(text_.substr(n));  // empty, but still a view into the text
      break;
    }
  }
  record_text_ = text_.substr(start, p - start);
  while (!record_text_.empty() && (record_text_.back() == '\n' || record_text_.back() == '\r')) {
    record_text_.remove_suffix(1);
  }
  pos_ = p;
  return true;
}

}  // namespace csu
