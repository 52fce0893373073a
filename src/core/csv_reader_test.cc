#include "core/csv_reader.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace csu {
namespace {

using Row = std::vector<std::string>;

// One call of Next(): a record (with the line it began on and its raw text),
// or an error (with where and why).
struct Item {
  bool ok;
  Row fields;
  int64_t line;
  std::string text;
  std::string where;
  std::string why;
};

// Reads the whole text, copying each record out before the next call.
std::vector<Item> ReadAll(std::string_view text, CsvReader* out_reader = nullptr) {
  CsvReader own(text);
  CsvReader& reader = out_reader ? *out_reader : own;
  std::vector<Item> items;
  std::vector<std::string_view> fields;
  for (int guard = 0; guard < 10000; ++guard) {
    auto r = reader.Next(fields);
    if (r.ok() && !r.value()) break;
    Item item;
    item.ok = r.ok();
    item.line = reader.record_line();
    item.text = std::string(reader.record_text());
    if (r.ok()) {
      for (auto f : fields) item.fields.emplace_back(f);
    } else {
      item.where = r.error().where;
      item.why = r.error().why;
      EXPECT_TRUE(fields.empty()) << "fields are cleared on error";
    }
    items.push_back(std::move(item));
  }
  return items;
}

// Just the fields of every record; fails the test on an error.
std::vector<Row> Rows(std::string_view text) {
  std::vector<Row> rows;
  for (auto& item : ReadAll(text)) {
    EXPECT_TRUE(item.ok) << item.where << ": " << item.why;
    rows.push_back(item.fields);
  }
  return rows;
}

TEST(CsvReaderTest, SimpleRecords) {
  EXPECT_EQ(Rows("a,b,c\n1,2,3\n"), (std::vector<Row>{{"a", "b", "c"}, {"1", "2", "3"}}));
  EXPECT_EQ(Rows("a,b,c\n1,2,3"), (std::vector<Row>{{"a", "b", "c"}, {"1", "2", "3"}}));  // no final newline
  EXPECT_EQ(Rows("x"), (std::vector<Row>{{"x"}}));
  EXPECT_EQ(Rows("a,,b"), (std::vector<Row>{{"a", "", "b"}}));
  EXPECT_EQ(Rows(" a , b "), (std::vector<Row>{{" a ", " b "}}));  // spaces are data
}

TEST(CsvReaderTest, LineNumbersAndRecordText) {
  auto items = ReadAll("a,b\n1,2\n3,4\n");
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0].line, 1);
  EXPECT_EQ(items[1].line, 2);
  EXPECT_EQ(items[2].line, 3);
  EXPECT_EQ(items[0].text, "a,b");
  EXPECT_EQ(items[2].text, "3,4");
}

TEST(CsvReaderTest, QuotedFieldsMayHoldCommas) {
  EXPECT_EQ(Rows("\"a,b\",c\n"), (std::vector<Row>{{"a,b", "c"}}));
  EXPECT_EQ(Rows("x,\"a,b\"\n"), (std::vector<Row>{{"x", "a,b"}}));
  EXPECT_EQ(Rows("\"\"\n"), (std::vector<Row>{{""}}));
  EXPECT_EQ(Rows("\"\",\"\""), (std::vector<Row>{{"", ""}}));
  EXPECT_EQ(Rows("\"a\",\"b\"\n\"c\",\"d\""), (std::vector<Row>{{"a", "b"}, {"c", "d"}}));
}

TEST(CsvReaderTest, DoubledQuotesAreOneQuote) {
  EXPECT_EQ(Rows("\"say \"\"hi\"\"\",x\n"), (std::vector<Row>{{"say \"hi\"", "x"}}));
  EXPECT_EQ(Rows("\"\"\"\"\n"), (std::vector<Row>{{"\""}}));          // """" is one quote
  EXPECT_EQ(Rows("\"\"\"\"\"\"\n"), (std::vector<Row>{{"\"\""}}));    // """""" is two
  EXPECT_EQ(Rows("\"a\"\"\"\n"), (std::vector<Row>{{"a\""}}));        // quote at the end
  EXPECT_EQ(Rows("\"\"\"a\"\n"), (std::vector<Row>{{"\"a"}}));        // quote at the start
}

TEST(CsvReaderTest, ManyEscapedFieldsInOneRecordStayValid) {
  // Each field with a doubled quote is unescaped into the reader's storage;
  // adding the twentieth must not move the first (short strings live inside
  // the string object, so a reallocating vector<string> would).
  std::string line;
  Row expected;
  for (int i = 0; i < 20; ++i) {
    if (i > 0) line += ',';
    line += "\"f" + std::to_string(i) + "\"\"\"";
    expected.push_back("f" + std::to_string(i) + "\"");
  }
  line += ",plain\n";
  expected.push_back("plain");
  std::string text = line + line;  // twice, so the storage is reused too
  CsvReader reader(text);
  std::vector<std::string_view> fields;
  for (int rec = 0; rec < 2; ++rec) {
    auto r = reader.Next(fields);
    ASSERT_TRUE(r.ok() && r.value());
    ASSERT_EQ(fields.size(), expected.size());
    for (size_t i = 0; i < fields.size(); ++i) EXPECT_EQ(fields[i], expected[i]) << rec << " " << i;
  }
}

TEST(CsvReaderTest, UnescapedFieldsAreViewsIntoTheText) {
  std::string text = "abc,\"d,e\"\n";
  CsvReader reader(text);
  std::vector<std::string_view> fields;
  ASSERT_TRUE(reader.Next(fields).value());
  ASSERT_EQ(fields.size(), 2u);
  EXPECT_EQ(fields[0].data(), text.data());
  EXPECT_EQ(fields[1].data(), text.data() + 5);

  // Even the empty field after a comma at the very end of the text.
  std::string trailing = "a,";
  CsvReader at_end(trailing);
  ASSERT_TRUE(at_end.Next(fields).value());
  ASSERT_EQ(fields.size(), 2u);
  EXPECT_EQ(fields[1].data(), trailing.data() + 2);
}

TEST(CsvReaderTest, QuotedFieldsMaySpanLines) {
  auto items = ReadAll("id,note\n1,\"line one\nline two\"\n2,after\n");
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[1].fields, (Row{"1", "line one\nline two"}));
  EXPECT_EQ(items[1].line, 2);
  EXPECT_EQ(items[1].text, "1,\"line one\nline two\"");
  EXPECT_EQ(items[2].fields, (Row{"2", "after"}));
  EXPECT_EQ(items[2].line, 4);  // the record after a two-line record starts on line 4
}

TEST(CsvReaderTest, LineNumbersAfterSeveralMultiLineFields) {
  // Record 1 spans lines 1-3 (two embedded newlines in two fields), record 2
  // spans lines 4-7 (three newlines in one field), record 3 is on line 8.
  auto items = ReadAll("\"a\nb\",\"c\nd\"\n\"x\n\n\ny\",z\nlast\n");
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0].fields, (Row{"a\nb", "c\nd"}));
  EXPECT_EQ(items[0].line, 1);
  EXPECT_EQ(items[1].fields, (Row{"x\n\n\ny", "z"}));
  EXPECT_EQ(items[1].line, 4);
  EXPECT_EQ(items[2].fields, (Row{"last"}));
  EXPECT_EQ(items[2].line, 8);
}

TEST(CsvReaderTest, CrLfLineEnds) {
  auto items = ReadAll("a,b\r\nc,d\r\n");
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].fields, (Row{"a", "b"}));
  EXPECT_EQ(items[1].fields, (Row{"c", "d"}));
  EXPECT_EQ(items[0].text, "a,b");
  EXPECT_EQ(items[1].line, 2);
  EXPECT_EQ(Rows("\"a\",\"b\"\r\n\"c\"\r\n"), (std::vector<Row>{{"a", "b"}, {"c"}}));
  EXPECT_EQ(Rows("a,b\r\nc,d"), (std::vector<Row>{{"a", "b"}, {"c", "d"}}));
  EXPECT_EQ(Rows("a\r\n"), (std::vector<Row>{{"a"}}));
  // Mixed line ends in one file.
  EXPECT_EQ(Rows("a\r\nb\nc\r\n"), (std::vector<Row>{{"a"}, {"b"}, {"c"}}));
}

TEST(CsvReaderTest, CrLfInsideQuotesIsData) {
  auto items = ReadAll("\"x\r\ny\",z\r\nnext\r\n");
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].fields, (Row{"x\r\ny", "z"}));
  EXPECT_EQ(items[1].fields, (Row{"next"}));
  EXPECT_EQ(items[1].line, 3);
}

TEST(CsvReaderTest, LoneCarriageReturnInsideAFieldIsData) {
  EXPECT_EQ(Rows("a\rb,c\n"), (std::vector<Row>{{"a\rb", "c"}}));
}

TEST(CsvReaderTest, SkipsByteOrderMark) {
  auto items = ReadAll("\xEF\xBB\xBF" "a,b\n1,2\n");
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].fields, (Row{"a", "b"}));
  EXPECT_EQ(items[0].line, 1);
  EXPECT_EQ(items[0].text, "a,b");
  EXPECT_EQ(Rows("\xEF\xBB\xBF\"q\"\n"), (std::vector<Row>{{"q"}}));
  EXPECT_EQ(Rows("\xEF\xBB\xBF"), (std::vector<Row>{}));
  // Only a leading mark is skipped; elsewhere it is data.
  EXPECT_EQ(Rows("a\n\xEF\xBB\xBF" "b\n"), (std::vector<Row>{{"a"}, {"\xEF\xBB\xBF" "b"}}));
}

TEST(CsvReaderTest, BlankLinesAreSkippedAndCounted) {
  CsvReader reader("a\n\n\r\nb\n\n");
  auto items = ReadAll("", &reader);
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].fields, (Row{"a"}));
  EXPECT_EQ(items[0].line, 1);
  EXPECT_EQ(items[1].fields, (Row{"b"}));
  EXPECT_EQ(items[1].line, 4);  // after blank lines 2 ("") and 3 ("\r")
  EXPECT_EQ(reader.blank_lines(), 3);  // lines 2, 3 and 5

  CsvReader leading("\n\nx\n");
  auto first = ReadAll("", &leading);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].line, 3);
  EXPECT_EQ(leading.blank_lines(), 2);
}

TEST(CsvReaderTest, TrailingCommaMeansAnEmptyLastField) {
  EXPECT_EQ(Rows("a,\n"), (std::vector<Row>{{"a", ""}}));
  EXPECT_EQ(Rows("a,"), (std::vector<Row>{{"a", ""}}));
  EXPECT_EQ(Rows("a,\r\n"), (std::vector<Row>{{"a", ""}}));
  EXPECT_EQ(Rows(",\n"), (std::vector<Row>{{"", ""}}));
  EXPECT_EQ(Rows(","), (std::vector<Row>{{"", ""}}));
  EXPECT_EQ(Rows(",,"), (std::vector<Row>{{"", "", ""}}));
  EXPECT_EQ(Rows("\"a\","), (std::vector<Row>{{"a", ""}}));
  EXPECT_EQ(Rows("\"a\",\n"), (std::vector<Row>{{"a", ""}}));
  EXPECT_EQ(Rows("a,\nb,\n"), (std::vector<Row>{{"a", ""}, {"b", ""}}));
}

TEST(CsvReaderTest, EmptyFile) {
  CsvReader reader("");
  std::vector<std::string_view> fields = {"stale"};
  auto r = reader.Next(fields);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r.value());
  EXPECT_TRUE(fields.empty());
  EXPECT_EQ(reader.record_line(), 0);
  EXPECT_EQ(reader.blank_lines(), 0);
  EXPECT_EQ(reader.offset(), 0u);
  // And it stays at the end.
  auto again = reader.Next(fields);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again.value());
}

TEST(CsvReaderTest, OnlyBlankLines) {
  CsvReader reader("\n\r\n\n");
  std::vector<std::string_view> fields;
  auto r = reader.Next(fields);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r.value());
  EXPECT_EQ(reader.blank_lines(), 3);
}

TEST(CsvReaderTest, HeaderOnly) {
  EXPECT_EQ(Rows("h1,h2"), (std::vector<Row>{{"h1", "h2"}}));
  EXPECT_EQ(Rows("h1,h2\n"), (std::vector<Row>{{"h1", "h2"}}));
  EXPECT_EQ(Rows("h1,h2\r\n"), (std::vector<Row>{{"h1", "h2"}}));
}

TEST(CsvReaderTest, OffsetReachesTheEnd) {
  std::string text = "a,b\n\"c\nd\",e\n\nf";
  CsvReader reader(text);
  std::vector<std::string_view> fields;
  size_t last = 0;
  while (true) {
    auto r = reader.Next(fields);
    ASSERT_TRUE(r.ok());
    if (!r.value()) break;
    EXPECT_GT(reader.offset(), last);
    last = reader.offset();
  }
  EXPECT_EQ(reader.offset(), text.size());
}

TEST(CsvReaderTest, NextClearsFields) {
  CsvReader reader("a,b,c\nd\n");
  std::vector<std::string_view> fields = {"stale", "stale"};
  ASSERT_TRUE(reader.Next(fields).value());
  EXPECT_EQ(fields.size(), 3u);
  ASSERT_TRUE(reader.Next(fields).value());
  EXPECT_EQ(fields.size(), 1u);
}

// ---- Malformed records: each costs one error, then reading resumes ----

TEST(CsvReaderTest, UnterminatedQuoteThenLaterRowsStillRead) {
  auto items = ReadAll("a,b\n1,\"open\n2,x\n3,y\n");
  ASSERT_EQ(items.size(), 4u);
  EXPECT_TRUE(items[0].ok);
  EXPECT_FALSE(items[1].ok);
  EXPECT_EQ(items[1].where, "line 2");
  EXPECT_NE(items[1].why.find("unterminated"), std::string::npos) << items[1].why;
  EXPECT_EQ(items[1].line, 2);
  EXPECT_EQ(items[1].text, "1,\"open");
  // Reading resumes on line 3, the next physical line after the record's start.
  EXPECT_TRUE(items[2].ok);
  EXPECT_EQ(items[2].fields, (Row{"2", "x"}));
  EXPECT_EQ(items[2].line, 3);
  EXPECT_EQ(items[3].fields, (Row{"3", "y"}));
  EXPECT_EQ(items[3].line, 4);
}

TEST(CsvReaderTest, UnterminatedQuoteOnTheLastLine) {
  auto items = ReadAll("a\n\"open");
  ASSERT_EQ(items.size(), 2u);
  EXPECT_FALSE(items[1].ok);
  EXPECT_EQ(items[1].where, "line 2");
  EXPECT_EQ(items[1].text, "\"open");
}

TEST(CsvReaderTest, TextAfterClosingQuote) {
  auto items = ReadAll("\"ab\"c,d\r\nnext,row\n");
  ASSERT_EQ(items.size(), 2u);
  EXPECT_FALSE(items[0].ok);
  EXPECT_EQ(items[0].where, "line 1");
  EXPECT_NE(items[0].why.find("after a closing quote"), std::string::npos) << items[0].why;
  EXPECT_EQ(items[0].text, "\"ab\"c,d");  // without the \r\n
  EXPECT_TRUE(items[1].ok);
  EXPECT_EQ(items[1].fields, (Row{"next", "row"}));
  EXPECT_EQ(items[1].line, 2);
}

TEST(CsvReaderTest, StrayQuoteInUnquotedField) {
  auto items = ReadAll("h\nab\"c,d\nok\n");
  ASSERT_EQ(items.size(), 3u);
  EXPECT_FALSE(items[1].ok);
  EXPECT_EQ(items[1].where, "line 2");
  EXPECT_NE(items[1].why.find("quote inside an unquoted field"), std::string::npos) << items[1].why;
  EXPECT_EQ(items[1].text, "ab\"c,d");
  EXPECT_TRUE(items[2].ok);
  EXPECT_EQ(items[2].fields, (Row{"ok"}));
  EXPECT_EQ(items[2].line, 3);
}

TEST(CsvReaderTest, ErrorAfterAMultiLineRecordNamesItsOwnLine) {
  auto items = ReadAll("1,\"a\nb\"\n2,x\"y\n3,z\n");
  ASSERT_EQ(items.size(), 3u);
  EXPECT_TRUE(items[0].ok);
  EXPECT_FALSE(items[1].ok);
  EXPECT_EQ(items[1].where, "line 3");
  EXPECT_TRUE(items[2].ok);
  EXPECT_EQ(items[2].fields, (Row{"3", "z"}));
  EXPECT_EQ(items[2].line, 4);
}

TEST(CsvReaderTest, ErrorInsideAMultiLineRecordResumesOnItsSecondLine) {
  // The record starting on line 1 has a two-line quoted field and then a
  // stray quote. Reading resumes on line 2, the rest of the broken record,
  // which is itself malformed, and then on line 3.
  auto items = ReadAll("1,\"a\nb\",c\"d\n2,e\n");
  ASSERT_EQ(items.size(), 3u);
  EXPECT_FALSE(items[0].ok);
  EXPECT_EQ(items[0].where, "line 1");
  EXPECT_EQ(items[0].text, "1,\"a");
  EXPECT_FALSE(items[1].ok);
  EXPECT_EQ(items[1].where, "line 2");
  EXPECT_TRUE(items[2].ok);
  EXPECT_EQ(items[2].fields, (Row{"2", "e"}));
  EXPECT_EQ(items[2].line, 3);
}

TEST(CsvReaderTest, ManyBrokenRowsEachCostOneRow) {
  std::string text = "h1,h2\n";
  for (int i = 0; i < 50; ++i) {
    text += "good," + std::to_string(i) + "\n";
    text += (i % 3 == 0 ? "x\"y,1\n" : i % 3 == 1 ? "\"a\"b,1\n" : "1,\"c\"\"\"d\n");
  }
  auto items = ReadAll(text);
  ASSERT_EQ(items.size(), 101u);
  for (int i = 0; i < 50; ++i) {
    const Item& good = items[1 + 2 * i];
    const Item& bad = items[2 + 2 * i];
    EXPECT_TRUE(good.ok) << i;
    EXPECT_EQ(good.fields, (Row{"good", std::to_string(i)}));
    EXPECT_EQ(good.line, 2 + 2 * i);
    EXPECT_FALSE(bad.ok) << i;
    EXPECT_EQ(bad.where, "line " + std::to_string(3 + 2 * i));
  }
}

}  // namespace
}  // namespace csu
