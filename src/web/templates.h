// Page markup as Mustache templates (src/web/templates/*.mustache), so the
// HTML of a page can be changed without touching the code that computes it
// (docs/web.md, "Markup"). The templates are compiled into the binary at build
// time; a page's code fills a TemplateData with values and renders:
//
//   TemplateData d;
//   d.set("label", "Challenges raised");
//   std::string html = RenderTemplate("card", d);
//
// {{name}} is escaped by this module's Escape (the same five escapes, invalid
// UTF-8 and control characters replaced); {{{name_html}}} inserts markup a
// template or a renderer of this module already built, and only a name ending
// in _html may be used that way (checked by a test over every template).
// Thread-safe: each thread parses a template once and keeps it.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <kainjow/mustache.hpp>

namespace csu::web {

using TemplateData = kainjow::mustache::data;

// The named template (its file name without .mustache) rendered with `data`.
// An unknown name or a template that does not parse is a programming error
// (every template is parsed by a test): it throws std::logic_error.
std::string RenderTemplate(std::string_view name, const TemplateData& data);

// Sets `key` only when `value` is not empty: in Mustache a present empty
// string still opens {{#key}}, and the templates use sections for "if shown".
void SetIfNotEmpty(TemplateData& data, const std::string& key, std::string_view value);

// Every template compiled in, as (name, text): for the tests.
const std::vector<std::pair<std::string_view, std::string_view>>& EmbeddedTemplates();

}  // namespace csu::web
