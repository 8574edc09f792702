#include "zed/json_call.h"

#include "component/wit.h"
#include "zed/extension.h"
#include "zed/json_values.h"

namespace ironclad::zed {
namespace {

using component::TypeKind;
using component::ValType;

// A borrow<worktree> or borrow<project> argument: the handle the host lends for it.
Result<ComponentValue> handle_argument(ZedExtension& ext, const ValType* t, const nlohmann::json& j,
                                       const std::string& where,
                                       std::optional<uint64_t> worktree_id) {
  const std::string& resource = t->resource ? t->resource->name : std::string();
  const bool is_worktree = resource == "worktree", is_project = resource == "project";
  if (t->kind != TypeKind::Borrow || !(is_worktree || is_project))
    return Error::make(ErrorKind::Usage, where + ": expected " + describe_type(t) +
                                             ": this host lends only borrow<worktree> and "
                                             "borrow<project> arguments");
  if (!(j.is_null() || (j.is_string() && j.get<std::string>() == resource)))
    return Error::make(ErrorKind::Usage, where + ": expected " + describe_type(t) +
                                             " (give null or \"" + resource + "\"), got " +
                                             j.dump());
  if (is_project) return ext.project_handle();
  if (!worktree_id)
    return Error::make(ErrorKind::Usage,
                       where + ": expected " + describe_type(t) + ": no worktree (--worktree DIR)");
  return ext.worktree_handle(*worktree_id);
}

std::string error_text(const nlohmann::ordered_json& e) {
  if (e.is_string()) return e.get<std::string>();
  return e.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace

Result<JsonCallAnswer> call_with_json(ZedExtension& extension, std::string_view export_name,
                                      const nlohmann::json& args,
                                      std::optional<uint64_t> worktree_id) {
  auto* impl = dynamic_cast<ZedExtensionImpl*>(&extension);
  if (!impl) return Error::make(ErrorKind::Internal, "call_with_json: not this host's extension");
  IRONCLAD_TRY_ASSIGN(const component::FuncType* type, impl->export_type(export_name));
  const std::string signature = std::string(export_name) + ": " + component::wit_func(*type);
  if (!args.is_array())
    return Error::make(ErrorKind::Usage,
                       "the arguments must be a JSON array, one element per "
                       "parameter of " +
                           signature);
  if (args.size() != type->params.size())
    return Error::make(ErrorKind::Usage, std::to_string(args.size()) + " argument" +
                                             (args.size() == 1 ? "" : "s") + " given, " +
                                             std::to_string(type->params.size()) +
                                             " expected: " + signature);
  std::vector<ComponentValue> values;
  for (size_t i = 0; i < args.size(); ++i) {
    const component::Field& p = type->params[i];
    std::string where = "argument " + std::to_string(i + 1) + " `" + p.name + "`";
    if (p.type->kind == TypeKind::Own || p.type->kind == TypeKind::Borrow) {
      IRONCLAD_TRY_ASSIGN(ComponentValue h,
                          handle_argument(extension, p.type, args[i], where, worktree_id));
      values.push_back(std::move(h));
      continue;
    }
    // option<borrow<worktree>> (run-slash-command): null is none, "worktree" the worktree.
    const ValType* elem = p.type->kind == TypeKind::Option ? p.type->elem : nullptr;
    if (elem && (elem->kind == TypeKind::Own || elem->kind == TypeKind::Borrow)) {
      if (args[i].is_null()) {
        values.push_back(ComponentValue::none());
        continue;
      }
      IRONCLAD_TRY_ASSIGN(ComponentValue h,
                          handle_argument(extension, elem, args[i], where, worktree_id));
      values.push_back(ComponentValue::some(std::move(h)));
      continue;
    }
    IRONCLAD_TRY_ASSIGN(ComponentValue v, value_from_json(args[i], p.type, where));
    values.push_back(std::move(v));
  }
  IRONCLAD_TRY_ASSIGN(std::optional<ComponentValue> result,
                      extension.call(export_name, std::move(values)));
  JsonCallAnswer answer;
  if (!result) return answer;
  const ValType* rt = type->result;
  if (rt && rt->kind == TypeKind::Result && result->kind == ComponentValueKind::Result) {
    const ComponentValue* payload = result->payload();
    if (result->discriminant() == 1) {
      answer.extension_error =
          payload ? error_text(value_to_json(*payload, rt->err)) : std::string("(no message)");
      return answer;
    }
    answer.value = payload ? value_to_json(*payload, rt->elem) : nlohmann::ordered_json(nullptr);
    return answer;
  }
  answer.value = value_to_json(*result, rt);
  return answer;
}

}  // namespace ironclad::zed
