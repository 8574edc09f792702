#include "zed/curl_library.h"

#include "zed/system_library.h"

namespace ironclad::zed {
namespace {

Result<CurlLibrary> load_curl() {
  auto library = SystemLibrary::open(IRONCLAD_LIBCURL_SONAME);
  if (!library) return std::move(library).error();
  SystemLibrary& so = *library;
  CurlLibrary curl{};
  decltype(&::curl_global_init) global_init;
  so.bind("curl_global_init", global_init);
  so.bind("curl_easy_init", curl.easy_init);
  so.bind("curl_easy_setopt", curl.easy_setopt);
  so.bind("curl_easy_getinfo", curl.easy_getinfo);
  so.bind("curl_easy_strerror", curl.easy_strerror);
  so.bind("curl_easy_cleanup", curl.easy_cleanup);
  so.bind("curl_multi_init", curl.multi_init);
  so.bind("curl_multi_add_handle", curl.multi_add_handle);
  so.bind("curl_multi_remove_handle", curl.multi_remove_handle);
  so.bind("curl_multi_perform", curl.multi_perform);
  so.bind("curl_multi_poll", curl.multi_poll);
  so.bind("curl_multi_info_read", curl.multi_info_read);
  so.bind("curl_multi_cleanup", curl.multi_cleanup);
  so.bind("curl_slist_append", curl.slist_append);
  so.bind("curl_slist_free_all", curl.slist_free_all);
  if (auto missing = so.missing()) return *missing;
  // Once, before any handle exists: curl_global_init is not thread-safe against itself.
  if (CURLcode code = global_init(CURL_GLOBAL_DEFAULT); code != CURLE_OK)
    return Error::make(ErrorKind::Io, std::string("libcurl failed to initialize: ") +
                                          curl.easy_strerror(code));
  return curl;
}

}  // namespace

Result<const CurlLibrary*> curl_library() { return load_once(load_curl); }

}  // namespace ironclad::zed
