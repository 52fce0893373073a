// The one style sheet of the web pages, served at /static/app.css. Colours
// follow the NHS identity palette (NHS Blue #005EB8 on white, text #212B32)
// with WCAG AA contrast for text; layouts work from a phone to 1280 px.
#pragma once

#include <string_view>

namespace csu::web {

std::string_view StyleSheet();

}  // namespace csu::web
