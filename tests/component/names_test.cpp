// Import and export names, and the semver rule that links an import built against one
// version to a provider of a compatible one.
#include "component/names.h"

#include <gtest/gtest.h>

namespace ironclad::component {
namespace {

TEST(ComponentNames, LabelsAreKebabCaseWordsOrAcronyms) {
  for (const char* ok : {"a", "a-b-c", "a1-2-3", "A", "A-B-C", "A1-2-3", "a11-w0rds",
                         "A11-4CR0NYMS", "m1x3d-4CR0NYMS", "get-JSON"}) {
    EXPECT_TRUE(is_label(ok)) << ok;
  }
  for (const char* bad : {"", "1-2-3", "a--b", "-a", "a-", "aB", "a_b", "a.b", "é"}) {
    EXPECT_FALSE(is_label(bad)) << bad;
  }
}

TEST(ComponentNames, InterfaceNamesSplitIntoTheirParts) {
  std::string why;
  auto n = parse_extern_name("wasi:io/streams@0.2.6", &why);
  ASSERT_TRUE(n) << why;
  EXPECT_EQ(n->kind, ExternName::Kind::Interface);
  EXPECT_EQ(n->namespace_, "wasi");
  EXPECT_EQ(n->package, "io");
  EXPECT_EQ(n->interface, "streams");
  ASSERT_TRUE(n->version);
  EXPECT_EQ(n->version->to_string(), "0.2.6");
  EXPECT_EQ(n->unversioned(), "wasi:io/streams");
  auto plain = parse_extern_name("zed:extension/lsp", &why);
  ASSERT_TRUE(plain);
  EXPECT_FALSE(plain->version);
  EXPECT_FALSE(parse_extern_name("wasi:io", &why));
  EXPECT_FALSE(parse_extern_name("wasi:io/streams@0.2.x", &why));
  EXPECT_NE(why.find("not a valid semver"), std::string::npos);
}

TEST(ComponentNames, AnnotatedNamesNameTheirResource) {
  std::string why;
  auto m = parse_extern_name("[method]worktree.read-text-file", &why);
  ASSERT_TRUE(m) << why;
  EXPECT_EQ(m->kind, ExternName::Kind::Method);
  EXPECT_EQ(m->resource, "worktree");
  EXPECT_EQ(m->member, "read-text-file");
  auto c = parse_extern_name("[constructor]file", &why);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->kind, ExternName::Kind::Constructor);
  EXPECT_FALSE(parse_extern_name("[method]worktree", &why));
  EXPECT_FALSE(parse_extern_name("[static]a.B_c", &why));
}

TEST(ComponentNames, StrongUniquenessFollowsTheSpec) {
  std::string why;
  auto key = [&](const char* s) { return parse_extern_name(s, &why)->uniqueness_key(); };
  // Equal after lowercasing acronyms, and [method]foo.foo is foo.
  EXPECT_EQ(key("foo"), key("FOO"));
  EXPECT_EQ(key("[method]foo.foo"), key("foo"));
  EXPECT_EQ(key("[method]foo.bar"), key("[static]foo.BAR"));
  EXPECT_NE(key("[constructor]foo"), key("foo"));
  EXPECT_NE(key("foo"), key("foo-bar"));
}

TEST(ComponentNames, SemverCompatibilityIsTheCanonicalVersion) {
  auto v = [](const char* s) { return *parse_semver(s); };
  EXPECT_TRUE(semver_compatible(v("0.2.0"), v("0.2.6")));   // older import, newer host
  EXPECT_TRUE(semver_compatible(v("0.2.12"), v("0.2.6")));  // newer import: checked per function
  EXPECT_FALSE(semver_compatible(v("0.2.6"), v("0.3.0")));
  EXPECT_TRUE(semver_compatible(v("1.2.3"), v("1.9.0")));
  EXPECT_FALSE(semver_compatible(v("1.2.3"), v("2.0.0")));
  EXPECT_FALSE(semver_compatible(v("0.0.1"), v("0.0.2")));
  EXPECT_FALSE(semver_compatible(v("0.2.0-rc-2023-11-10"), v("0.2.0")));
  EXPECT_TRUE(semver_compatible(v("0.2.0-rc.1"), v("0.2.0-rc.1")));
  EXPECT_FALSE(parse_semver("01.2.3"));
  EXPECT_FALSE(parse_semver("1.2"));
}

}  // namespace
}  // namespace ironclad::component
