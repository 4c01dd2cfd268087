#include "keyword_classifier.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace triage {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

[[noreturn]] void bad_config(const std::string& what) {
  throw std::invalid_argument("triage plugin_config: " + what);
}

ClassifierSettings builtin_settings() {
  return {{{"billing", {"invoice", "refund", "charge", "payment", "bill", "price"}},
           {"technical", {"error", "crash", "bug", "broken", "login", "password", "slow"}},
           {"account", {"account", "email", "profile", "cancel", "subscription"}}},
          "general"};
}

std::vector<Category> categories_from(const boost::json::value& value) {
  const auto* object = value.if_object();
  if (!object || object->empty())
    bad_config("\"categories\" must be a non-empty object of {category: [keywords]}, got " +
               boost::json::serialize(value));
  std::vector<Category> categories;
  for (const auto& [name, keywords] : *object) {
    const auto* list = keywords.if_array();
    if (!list || list->empty())
      bad_config("categories." + std::string(name) + " must be a non-empty list of keywords");
    Category category{std::string(name), {}};
    for (const auto& keyword : *list) {
      const auto* text = keyword.if_string();
      if (!text || text->empty())
        bad_config("categories." + std::string(name) + " holds " + boost::json::serialize(keyword) +
                   ", keywords are non-empty strings");
      category.keywords.push_back(lower(*text));
    }
    categories.push_back(std::move(category));
  }
  return categories;
}

}  // namespace

ClassifierSettings settings_from_config(const boost::json::value& config) {
  ClassifierSettings settings = builtin_settings();
  if (config.is_null()) return settings;
  const auto* object = config.if_object();
  if (!object) bad_config("must be an object, got " + boost::json::serialize(config));
  for (const auto& [key, value] : *object) {
    if (key == "categories") {
      settings.categories = categories_from(value);
    } else if (key == "default_category") {
      const auto* name = value.if_string();
      if (!name || name->empty()) bad_config("\"default_category\" must be a non-empty string");
      settings.default_category = std::string(*name);
    } else {
      bad_config("unknown key \"" + std::string(key) +
                 "\" (known keys: categories, default_category)");
    }
  }
  return settings;
}

boost::json::object classify(const ClassifierSettings& settings, std::string_view text) {
  const std::string haystack = lower(text);
  const Category* best = nullptr;
  boost::json::array best_matched;
  for (const auto& category : settings.categories) {
    boost::json::array matched;
    for (const auto& keyword : category.keywords)
      if (haystack.find(keyword) != std::string::npos) matched.emplace_back(keyword);
    if (matched.size() > best_matched.size()) {
      best = &category;
      best_matched = std::move(matched);
    }
  }
  return {{"category", best ? best->name : settings.default_category},
          {"matched", std::move(best_matched)}};
}

}  // namespace triage
