#include "plugin_loader/elf_manifest.hpp"

#include <elf.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string_view>
#include <vector>

#include "agenthost/plugin.hpp"

namespace agenthost::plugin_loader {

namespace {

// The file's bytes, with bounds-checked reads of structs at offsets.
class FileBytes {
 public:
  explicit FileBytes(std::vector<char> bytes) : bytes_(std::move(bytes)) {}

  template <class T>
  std::optional<T> at(std::uint64_t offset) const {
    if (offset > bytes_.size() || bytes_.size() - offset < sizeof(T)) return std::nullopt;
    T value;
    std::memcpy(&value, bytes_.data() + offset, sizeof(T));
    return value;
  }

  std::optional<std::string_view> string_at(std::uint64_t table, std::uint64_t table_size,
                                            std::uint64_t index) const {
    if (index >= table_size || table > bytes_.size() || bytes_.size() - table < table_size)
      return std::nullopt;
    const char* begin = bytes_.data() + table + index;
    const char* end = bytes_.data() + table + table_size;
    const char* nul = std::find(begin, end, '\0');
    if (nul == end) return std::nullopt;
    return std::string_view(begin, static_cast<std::size_t>(nul - begin));
  }

  std::size_t size() const { return bytes_.size(); }

 private:
  std::vector<char> bytes_;
};

std::optional<Elf64_Shdr> section(const FileBytes& f, const Elf64_Ehdr& eh, std::uint64_t index) {
  if (index >= eh.e_shnum || eh.e_shentsize != sizeof(Elf64_Shdr)) return std::nullopt;
  return f.at<Elf64_Shdr>(eh.e_shoff + index * sizeof(Elf64_Shdr));
}

}  // namespace

std::optional<agenthost::PluginManifest> manifest_from_elf_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  const FileBytes f(std::vector<char>(std::istreambuf_iterator<char>(in), {}));
  const auto eh = f.at<Elf64_Ehdr>(0);
  if (!eh || std::memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 ||
      eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != ELFDATA2LSB)
    return std::nullopt;
  for (std::uint64_t i = 0; i < eh->e_shnum; ++i) {
    const auto symbols = section(f, *eh, i);
    if (!symbols || symbols->sh_type != SHT_DYNSYM || symbols->sh_entsize != sizeof(Elf64_Sym))
      continue;
    const auto names = section(f, *eh, symbols->sh_link);
    if (!names) return std::nullopt;
    for (std::uint64_t s = 0; s < symbols->sh_size / sizeof(Elf64_Sym); ++s) {
      const auto sym = f.at<Elf64_Sym>(symbols->sh_offset + s * sizeof(Elf64_Sym));
      if (!sym) return std::nullopt;
      const auto name = f.string_at(names->sh_offset, names->sh_size, sym->st_name);
      if (!name || *name != agenthost::kManifestDataSymbol) continue;
      // Where the symbol's bytes are in the file: its section's file offset plus
      // its distance from the section's address.
      const auto home = section(f, *eh, sym->st_shndx);
      if (!home || home->sh_type == SHT_NOBITS || sym->st_value < home->sh_addr ||
          sym->st_value - home->sh_addr > home->sh_size || sym->st_size < sizeof(std::uint32_t))
        return std::nullopt;
      agenthost::PluginManifest manifest{};
      const auto size = std::min<std::uint64_t>(sym->st_size, sizeof manifest);
      const auto offset = home->sh_offset + (sym->st_value - home->sh_addr);
      if (offset > f.size() || f.size() - offset < size) return std::nullopt;
      for (std::uint64_t b = 0; b < size; ++b)
        reinterpret_cast<char*>(&manifest)[b] = *f.at<char>(offset + b);
      return manifest;
    }
  }
  return std::nullopt;
}

}  // namespace agenthost::plugin_loader
