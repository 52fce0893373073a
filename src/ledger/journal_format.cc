#include "ledger/journal_format.h"

#include <cctype>
#include <cstdint>
#include <map>
#include <optional>

#include "core/csv_reader.h"
#include "core/text.h"

namespace csu::ledger {
namespace {

// The tags the ledger reads from a comment, and the rest of its text.
struct Tags {
  std::string cost_centre, counterparty, reverse;
  std::string rest;  // the comment without those tags
};

// hledger's tag rule: in each ','-separated part of a comment, the word
// just before the first ':' is a tag name and the rest of the part its value.
Result<Tags> ReadTags(std::string_view comment) {
  Tags tags;
  for (std::string_view part : Split(comment, ',')) {
    const size_t colon = part.find(':');
    std::string* slot = nullptr;
    std::string_view value;
    if (colon != std::string_view::npos) {
      size_t start = colon;
      while (start > 0 && !std::isspace(static_cast<unsigned char>(part[start - 1]))) --start;
      const std::string_view name = part.substr(start, colon - start);
      value = Trim(part.substr(colon + 1));
      if (name == "cost-centre") slot = &tags.cost_centre;
      else if (name == "counterparty") slot = &tags.counterparty;
      else if (name == "reverse") slot = &tags.reverse;
      if (slot != nullptr && Trim(part.substr(0, start)).empty()) {
        if (value.empty()) return MakeError("", "tag " + std::string(name) + ": has no value");
        if (!slot->empty() && *slot != value) return MakeError("", "tag " + std::string(name) + ": is given twice");
        *slot = std::string(value);
        continue;
      }
    }
    const std::string_view text = Trim(part);
    if (!text.empty()) tags.rest += (tags.rest.empty() ? "" : ", ") + std::string(text);
  }
  if (!tags.reverse.empty() && tags.reverse != "next-period")
    return MakeError("", "tag reverse: must be next-period, not \"" + tags.reverse + "\"");
  return tags;
}

Status ApplyPostingTags(Posting& p, const Tags& t) {
  if (!t.cost_centre.empty()) {
    if (!p.cost_centre.empty() && p.cost_centre != t.cost_centre)
      return MakeError("", "the posting names two cost centres");
    p.cost_centre = t.cost_centre;
  }
  if (!t.counterparty.empty()) {
    if (!p.counterparty.empty() && p.counterparty != ToUpper(t.counterparty))
      return MakeError("", "the posting names two counterparties");
    p.counterparty = ToUpper(t.counterparty);
  }
  if (!t.rest.empty()) p.comment += (p.comment.empty() ? "" : ", ") + t.rest;
  return Status::Ok();
}

// "2018-09-30", "2018/9/30", "2018.09.30"; the year is required.
Result<Date> ReadDate(std::string_view s) {
  const std::string shown = "\"" + std::string(s) + "\"";
  if (s.find('=') != std::string_view::npos)
    return MakeError("", "secondary dates (" + shown + ") are not supported; give one date");
  if (s.size() < 8 || !std::isdigit(static_cast<unsigned char>(s[0])) || s.size() > 10)
    return MakeError("", "date " + shown + " is not YYYY-MM-DD (the year is required)");
  const char sep = s[4];
  if (sep != '-' && sep != '/' && sep != '.') return MakeError("", "date " + shown + " is not YYYY-MM-DD");
  std::vector<std::string_view> parts = Split(s, sep);
  if (parts.size() != 3 || parts[0].size() != 4 || parts[1].empty() || parts[1].size() > 2 || parts[2].empty() ||
      parts[2].size() > 2)
    return MakeError("", "date " + shown + " is not YYYY-MM-DD (the year is required)");
  std::string iso = std::string(parts[0]) + "-" + (parts[1].size() == 1 ? "0" : "") + std::string(parts[1]) + "-" +
                    (parts[2].size() == 1 ? "0" : "") + std::string(parts[2]);
  Result<Date> d = Date::Parse(iso);
  if (!d.ok()) return MakeError("", "date " + shown + " is not a real date");
  return d;
}

struct Pending {
  Transaction t;
  int64_t elided_line = 0;  // the line of the posting without an amount
  size_t elided = 0;        // its index
};

class JournalParser {
 public:
  JournalParser(std::string_view text, std::string file) : text_(text), file_(std::move(file)) {}

  Result<std::vector<Transaction>> Run() {
    size_t pos = 0;
    int64_t n = 0;
    while (pos <= text_.size()) {
      size_t end = text_.find('\n', pos);
      if (end == std::string_view::npos) end = text_.size();
      std::string_view line = text_.substr(pos, end - pos);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      ++n;
      if (Status s = Line(line, n); !s.ok()) {
        const Error& e = s.error();
        return MakeError(file_ + ":" + std::to_string(e.where.empty() ? n : std::stoll(e.where)), e.why);
      }
      if (end == text_.size()) break;
      pos = end + 1;
    }
    if (in_block_) return MakeError(file_ + ":" + std::to_string(block_line_), "a comment block is never ended");
    if (Status s = Finish(); !s.ok())
      return MakeError(file_ + ":" + s.error().where, s.error().why);
    return std::move(out_);
  }

 private:
  // Errors from Line carry an empty where (this line) or a line number.
  Status Line(std::string_view line, int64_t n) {
    if (in_block_) {
      if (Trim(line) == "end comment") in_block_ = false;
      return Status::Ok();
    }
    if (!IsValidUtf8(line)) return MakeError("", "the line is not valid UTF-8");
    for (char c : line)
      if (static_cast<unsigned char>(c) < 0x20 && c != '\t')
        return MakeError("", "the line holds a control character (only tabs and spaces separate fields)");
    if (Trim(line).empty()) return Finish();
    if (line[0] == ' ' || line[0] == '\t') return Indented(Trim(line), n);
    if (Status s = Finish(); !s.ok()) return s;
    const char c = line[0];
    if (c == ';' || c == '#' || c == '*') return Status::Ok();
    if (std::isdigit(static_cast<unsigned char>(c))) return Header(line, n);
    if (Trim(line) == "comment") {
      in_block_ = true;
      block_line_ = n;
      return Status::Ok();
    }
    const std::string_view word = line.substr(0, line.find_first_of(" \t"));
    if (word == "account") {
      std::string_view name = Trim(line.substr(7));
      name = Trim(name.substr(0, name.find(';')));
      const size_t two = name.find("  ");
      if (two != std::string_view::npos) name = name.substr(0, two);
      if (std::string why = AccountNameProblem(name); !why.empty()) return MakeError("", why);
      after_directive_ = true;
      return Status::Ok();
    }
    if (word == "commodity") {
      if (line.find("£") == std::string_view::npos && line.find("GBP") == std::string_view::npos)
        return MakeError("", "only the pound sterling commodity (£) is accepted");
      after_directive_ = true;
      return Status::Ok();
    }
    if (word == "include") return MakeError("", "include directives are refused: import each file on its own");
    return MakeError("", "\"" + std::string(word) +
                             "\" is not a transaction, comment or supported directive (account, commodity)");
  }

  Status Header(std::string_view line, int64_t n) {
    std::string_view rest = line;
    const size_t sp = rest.find_first_of(" \t");
    CSU_ASSIGN_OR_RETURN(date, ReadDate(rest.substr(0, sp)));
    rest = sp == std::string_view::npos ? std::string_view() : Trim(rest.substr(sp));
    current_.emplace();
    Transaction& t = current_->t;
    t.date = date;
    t.line = n;
    if (!rest.empty() && (rest[0] == '*' || rest[0] == '!')) {
      t.status = rest[0];
      rest = Trim(rest.substr(1));
    }
    if (!rest.empty() && rest[0] == '(') {
      const size_t close = rest.find(')');
      if (close == std::string_view::npos) return MakeError("", "the code's bracket is never closed");
      t.code = std::string(Trim(rest.substr(1, close - 1)));
      // "()" would leave a description that reads back as the code.
      if (t.code.empty()) return MakeError("", "the code in brackets is empty");
      rest = Trim(rest.substr(close + 1));
    }
    const size_t semi = rest.find(';');
    t.description = std::string(Trim(rest.substr(0, semi)));
    if (semi != std::string_view::npos) {
      Result<Tags> tags = ReadTags(rest.substr(semi + 1));
      if (!tags.ok()) return tags.error();
      TxnTags(tags.value());
    }
    return Status::Ok();
  }

  void TxnTags(const Tags& tags) {
    if (!tags.reverse.empty()) current_->t.reverse_next_period = true;
    if (!tags.cost_centre.empty()) txn_cost_centre_ = tags.cost_centre;
    if (!tags.counterparty.empty()) txn_counterparty_ = ToUpper(tags.counterparty);
  }

  Status Indented(std::string_view content, int64_t n) {
    if (!current_) {
      if (content[0] == ';' || content[0] == '#' || after_directive_) return Status::Ok();
      return MakeError("", "an indented line outside a transaction (a posting needs a transaction line above it)");
    }
    Transaction& t = current_->t;
    if (content[0] == ';' || content[0] == '#') {
      Result<Tags> tags = ReadTags(content.substr(1));
      if (!tags.ok()) return tags.error();
      if (t.postings.empty()) {
        TxnTags(tags.value());
        return Status::Ok();
      }
      return ApplyPostingTags(t.postings.back(), tags.value());
    }
    if ((content[0] == '*' || content[0] == '!') && content.size() > 1 && (content[1] == ' ' || content[1] == '\t'))
      content = Trim(content.substr(1));
    // The account ends at two spaces or a tab.
    size_t end = content.find("  ");
    end = std::min(end, content.find('\t'));
    const size_t semi = content.find(';');
    if (semi < end) end = semi;
    std::string_view account = Trim(content.substr(0, std::min(end, content.size())));
    std::string_view rest = end == std::string_view::npos ? std::string_view() : content.substr(end);
    if (std::string why = AccountNameProblem(account); !why.empty()) return MakeError("", why);
    Posting p;
    p.account = std::string(account);
    const size_t rsemi = rest.find(';');
    std::string_view amount = Trim(rest.substr(0, rsemi));
    if (amount.find('=') != std::string_view::npos)
      return MakeError("", "balance assertions are not supported; remove the \"= ...\" part");
    if (amount.find('@') != std::string_view::npos)
      return MakeError("", "prices and costs (@) are not supported: the ledger keeps one currency");
    if (amount.empty()) {
      if (current_->elided_line != 0)
        return MakeError("", "a second posting leaves its amount out (line " + std::to_string(current_->elided_line) +
                                 " already does); only one may");
      current_->elided_line = n;
      current_->elided = t.postings.size();
    } else {
      std::string compact;
      for (char c : amount)
        if (c != ' ') compact += c;
      Result<Money> m = ParsePounds(compact);
      if (!m.ok()) return MakeError("", m.error().why);
      p.amount = m.value();
      if (p.amount == Money()) return MakeError("", "posting to " + p.account + " is £0.00");
    }
    if (rsemi != std::string_view::npos) {
      Result<Tags> tags = ReadTags(rest.substr(rsemi + 1));
      if (!tags.ok()) return tags.error();
      if (!tags.value().reverse.empty()) return MakeError("", "reverse: belongs on the transaction, not a posting");
      if (Status s = ApplyPostingTags(p, tags.value()); !s.ok()) return s;
    }
    t.postings.push_back(std::move(p));
    return Status::Ok();
  }

  // Completes the transaction being read; errors carry its line as where.
  Status Finish() {
    after_directive_ = false;
    if (!current_) return Status::Ok();
    Pending pending = std::move(*current_);
    current_.reset();
    Transaction& t = pending.t;
    const std::string where = std::to_string(t.line);
    for (Posting& p : t.postings) {
      if (p.cost_centre.empty()) p.cost_centre = txn_cost_centre_;
      if (p.counterparty.empty()) p.counterparty = txn_counterparty_;
    }
    txn_cost_centre_.clear();
    txn_counterparty_.clear();
    if (pending.elided_line != 0) {
      Int128 sum = 0;
      for (const Posting& p : t.postings) sum += p.amount.pence();
      if (sum == 0)
        return MakeError(std::to_string(pending.elided_line),
                         "the posting without an amount would be £0.00: the others already balance");
      if (sum > INT64_MAX / 2 || sum < -(INT64_MAX / 2))
        return MakeError(std::to_string(pending.elided_line), "the amount left out would be too large for the ledger");
      t.postings[pending.elided].amount = Money::FromPence(-static_cast<int64_t>(sum));
    }
    if (Status s = CheckBalanced(t, where); !s.ok()) return s;
    out_.push_back(std::move(t));
    return Status::Ok();
  }

  std::string_view text_;
  std::string file_;
  std::vector<Transaction> out_;
  std::optional<Pending> current_;
  std::string txn_cost_centre_, txn_counterparty_;
  bool in_block_ = false;
  bool after_directive_ = false;
  int64_t block_line_ = 0;
};

// Text a journal line can carry without changing what is read back.
std::string TextProblem(std::string_view s, bool allow_semicolon) {
  for (char c : s)
    if (static_cast<unsigned char>(c) < 0x20 || (!allow_semicolon && c == ';'))
      return "holds a line break, a tab or another control character" + std::string(allow_semicolon ? "" : " or ';'");
  if (!IsValidUtf8(s)) return "is not valid UTF-8";
  return "";
}

}  // namespace

Result<std::vector<Transaction>> ParseJournal(std::string_view text, const std::string& file) {
  return JournalParser(text, file).Run();
}

Result<std::vector<Transaction>> ParseLedgerCsv(std::string_view text, const std::string& file) {
  CsvReader reader(text);
  std::vector<std::string_view> f;
  Result<bool> header = reader.Next(f);
  if (!header.ok()) return MakeError(file + ":1", header.error().why);
  const bool has_header = header.value();
  if (!has_header) return MakeError(file + ":1", "the file is empty");
  std::map<std::string, size_t, std::less<>> col;
  for (size_t i = 0; i < f.size(); ++i) {
    const std::string name(Trim(f[i]));
    if (name != "date" && name != "reference" && name != "description" && name != "account" && name != "amount" &&
        name != "cost_centre" && name != "counterparty" && name != "comment" && name != "reverse")
      return MakeError(file + ":1", "unknown column \"" + name + "\"");
    if (!col.emplace(name, i).second) return MakeError(file + ":1", "column " + name + " appears twice");
  }
  for (const char* need : {"date", "reference", "description", "account", "amount"})
    if (!col.count(need)) return MakeError(file + ":1", std::string("the header has no ") + need + " column");
  auto field = [&](const char* name) -> std::string {
    auto it = col.find(name);
    return it == col.end() ? std::string() : std::string(Trim(f[it->second]));
  };
  std::vector<Transaction> out;
  std::string last_reference;
  auto finish = [&]() -> Status {
    if (out.empty()) return Status::Ok();
    return CheckBalanced(out.back(), file + ":" + std::to_string(out.back().line));
  };
  while (true) {
    Result<bool> more = reader.Next(f);
    const std::string where = file + ":" + std::to_string(reader.record_line());
    if (!more.ok()) return MakeError(where, more.error().why);
    if (!more.value()) break;
    if (f.size() != col.size())
      return MakeError(where, "a row has " + std::to_string(f.size()) + " fields, not " + std::to_string(col.size()));
    const std::string reference = field("reference"), description = field("description"), reverse = field("reverse");
    if (reference.empty()) return MakeError(where, "reference is empty");
    if (reverse != "" && reverse != "yes") return MakeError(where, "reverse must be yes or empty");
    for (const auto& [name, value] : {std::pair{"reference", reference}, {"description", description},
                                      {"comment", field("comment")}}) {
      std::string why = TextProblem(value, std::string(name) == "comment");
      if (!why.empty()) return MakeError(where, std::string(name) + " " + why);
    }
    if (reference.find(')') != std::string::npos) return MakeError(where, "reference holds ')'");
    Result<Date> date = Date::Parse(field("date"));
    if (!date.ok()) return MakeError(where, "date \"" + field("date") + "\" is not YYYY-MM-DD");
    if (reference != last_reference || out.empty()) {
      if (Status s = finish(); !s.ok()) return s.error();
      Transaction t;
      t.date = date.value();
      t.code = reference;
      t.description = description;
      t.reverse_next_period = reverse == "yes";
      t.line = reader.record_line();
      out.push_back(std::move(t));
      last_reference = reference;
    } else {
      const Transaction& t = out.back();
      if (t.date != date.value() || t.description != description || t.reverse_next_period != (reverse == "yes"))
        return MakeError(where, "rows of transaction " + reference + " differ in date, description or reverse");
    }
    Posting p;
    p.account = field("account");
    if (std::string why = AccountNameProblem(p.account); !why.empty()) return MakeError(where, why);
    Result<Money> amount = ParsePounds(field("amount"));
    if (!amount.ok()) return MakeError(where, amount.error().why);
    p.amount = amount.value();
    p.cost_centre = field("cost_centre");
    p.counterparty = ToUpper(field("counterparty"));
    p.comment = field("comment");
    for (const std::string* s : {&p.cost_centre, &p.counterparty})
      if (s->find_first_of(" ,;\t") != std::string::npos) return MakeError(where, "a code holds a space, ',' or ';'");
    out.back().postings.push_back(std::move(p));
  }
  if (Status s = finish(); !s.ok()) return s.error();
  return out;
}

void AppendJournalText(const Transaction& t, std::string& out) {
  out += t.date.ToString();
  if (t.status != ' ') {
    out += ' ';
    out += t.status;
  }
  if (!t.code.empty()) out += " (" + t.code + ")";
  if (!t.description.empty()) out += " " + t.description;
  if (t.reverse_next_period) out += "  ; reverse:next-period";
  out += '\n';
  size_t width = 0;
  for (const Posting& p : t.postings) width = std::max(width, p.account.size());
  for (const Posting& p : t.postings) {
    out += "    " + p.account;
    out.append(width - p.account.size() + 2, ' ');
    const int64_t pence = p.amount.pence();
    const uint64_t mag = pence < 0 ? 0 - static_cast<uint64_t>(pence) : static_cast<uint64_t>(pence);
    char frac[4];
    std::snprintf(frac, sizeof frac, "%02u", static_cast<unsigned>(mag % 100));
    out += std::string(pence < 0 ? "-" : "") + "£" + std::to_string(mag / 100) + "." + frac;
    std::string comment = p.comment;
    if (!p.cost_centre.empty()) comment += (comment.empty() ? "" : ", ") + std::string("cost-centre:") + p.cost_centre;
    if (!p.counterparty.empty()) comment += (comment.empty() ? "" : ", ") + std::string("counterparty:") + p.counterparty;
    if (!comment.empty()) out += "  ; " + comment;
    out += '\n';
  }
  out += '\n';
}

}  // namespace csu::ledger
