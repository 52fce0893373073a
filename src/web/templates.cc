#include "web/templates.h"

#include <map>
#include <memory>
#include <stdexcept>

#include "web/html.h"

namespace csu::web {

namespace {

using Mustache = kainjow::mustache::mustache;

std::unique_ptr<Mustache> Parse(std::string_view name) {
  for (auto [n, text] : EmbeddedTemplates()) {
    if (n != name) continue;
    // A template opens with a comment saying what it is for; the library
    // keeps a comment's line break when it spans lines, so the opening
    // comment and its line break are dropped here.
    if (text.starts_with("{{!")) {
      const size_t close = text.find("}}");
      if (close != std::string_view::npos) {
        text.remove_prefix(close + 2);
        if (text.starts_with("\n")) text.remove_prefix(1);
      }
    }
    auto m = std::make_unique<Mustache>(std::string(text));
    if (!m->is_valid()) throw std::logic_error("template " + std::string(name) + ": " + m->error_message());
    // The project's escaping, not the library's: it also replaces invalid
    // UTF-8 and control characters, so a page is always well formed.
    m->set_custom_escape([](const std::string& s) { return Escape(s); });
    return m;
  }
  throw std::logic_error("no template named " + std::string(name));
}

}  // namespace

std::string RenderTemplate(std::string_view name, const TemplateData& data) {
  // Rendering walks the parsed tree without locking it, so each worker thread
  // keeps its own parsed copy (a handful of small templates per thread).
  thread_local std::map<std::string, std::unique_ptr<Mustache>, std::less<>> parsed;
  auto it = parsed.find(name);
  if (it == parsed.end()) it = parsed.emplace(std::string(name), Parse(name)).first;
  return it->second->render(data);
}

void SetIfNotEmpty(TemplateData& data, const std::string& key, std::string_view value) {
  if (!value.empty()) data.set(key, std::string(value));
}

}  // namespace csu::web
