#include "parallax/model/torch_state_dict.h"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <variant>

#include <caffe2/serialize/inline_container.h>
#include <torch/torch.h>
#include <zlib.h>

#include "parallax/util/check.h"
#include "parallax/util/path_kind.h"

namespace parallax {

const torch::Tensor* StateDict::Find(const std::string& key) const {
  for (const auto& [name, tensor] : entries) {
    if (name == key) return &tensor;
  }
  return nullptr;
}

namespace {

// ---------------------------------------------------------------------------
// The values a state-dict pickle can build. Containers are shared pointers
// because the pickle memo refers to the same object from several places.

struct Value;
using ValuePtr = std::shared_ptr<Value>;

struct Global {
  std::string module, name;
  std::string FullName() const { return module + "." + name; }
};
struct Storage {
  torch::Tensor bytes;  // 1-D tensor of the storage's dtype
};
struct Tuple {
  std::vector<ValuePtr> items;
};
struct List {
  std::vector<ValuePtr> items;
};
struct Dict {
  std::vector<std::pair<ValuePtr, ValuePtr>> items;
};
struct None {};
struct Mark {};

struct Value {
  std::variant<None, Mark, bool, int64_t, double, std::string, Global, Storage,
               torch::Tensor, std::shared_ptr<Tuple>, std::shared_ptr<List>,
               std::shared_ptr<Dict>>
      v;
};

template <typename T>
ValuePtr Make(T value) {
  auto out = std::make_shared<Value>();
  out->v = std::move(value);
  return out;
}

std::string KindOf(const Value& value) {
  static const char* kNames[] = {"None",   "mark",   "bool",   "int",
                                 "float",  "string", "global", "storage",
                                 "tensor", "tuple",  "list",   "dict"};
  return kNames[value.v.index()];
}

// Storage type names -> dtype. These are the only classes whose name may
// appear in a persistent id.
std::optional<torch::Dtype> StorageDtype(const Global& global) {
  if (global.module != "torch") return std::nullopt;
  static const std::map<std::string, torch::Dtype> kTypes = {
      {"FloatStorage", torch::kFloat32},     {"HalfStorage", torch::kFloat16},
      {"BFloat16Storage", torch::kBFloat16}, {"DoubleStorage", torch::kFloat64},
      {"LongStorage", torch::kInt64},        {"IntStorage", torch::kInt32},
      {"ShortStorage", torch::kInt16},       {"CharStorage", torch::kInt8},
      {"ByteStorage", torch::kUInt8},        {"BoolStorage", torch::kBool}};
  const auto it = kTypes.find(global.name);
  if (it == kTypes.end()) return std::nullopt;
  return it->second;
}

bool IsAllowedGlobal(const Global& global) {
  if (global.module == "collections" && global.name == "OrderedDict") {
    return true;
  }
  if (global.module == "torch._utils" &&
      (global.name == "_rebuild_tensor_v2" ||
       global.name == "_rebuild_parameter")) {
    return true;
  }
  return StorageDtype(global).has_value();
}

class PickleMachine {
 public:
  PickleMachine(const std::string& program,
                const std::function<std::string(const std::string&)>& read,
                const std::string& name)
      : program_(program), read_record_(read), name_(name) {}

  // Containers can nest as deep as the program is long (one TUPLE1 opcode per
  // level) and can hold themselves through the memo. Dropped the usual way,
  // a deep one was destroyed recursively and overflowed the stack (found by
  // fuzz/torch_state_dict_fuzzer with 30 KB of pickle), and a cycle leaked.
  // So every value is taken apart here, one level at a time: `pending` owns
  // each value while its items move out of it, so no destructor recurses.
  ~PickleMachine() {
    std::vector<ValuePtr> pending = std::move(stack_);
    pending.insert(pending.end(), memo_.begin(), memo_.end());
    pending.push_back(std::move(result_));
    memo_.clear();
    for (size_t i = 0; i < pending.size(); ++i) {  // grows as it goes
      if (!pending[i]) continue;
      std::vector<ValuePtr> items;
      if (auto* tuple = std::get_if<std::shared_ptr<Tuple>>(&pending[i]->v)) {
        items = std::move((*tuple)->items);
      } else if (auto* list =
                     std::get_if<std::shared_ptr<List>>(&pending[i]->v)) {
        items = std::move((*list)->items);
      } else if (auto* dict =
                     std::get_if<std::shared_ptr<Dict>>(&pending[i]->v)) {
        for (auto& [key, value] : (*dict)->items) {
          items.push_back(std::move(key));
          items.push_back(std::move(value));
        }
        (*dict)->items.clear();
      }
      for (ValuePtr& item : items) pending.push_back(std::move(item));
    }
  }

  ValuePtr Run() {
    while (true) {
      const uint8_t op = Byte();
      switch (op) {
        case 0x80:  // PROTO
          Byte();
          break;
        case 0x95:  // FRAME (protocol 4): an 8-byte length we do not need
          Bytes(8);
          break;
        case '.':  // STOP
          if (stack_.size() != 1) Fail("the pickle ends with a broken stack");
          result_ = Pop();  // kept for the destructor to take apart
          return result_;
        case '(':  // MARK
          Push(Make(Mark{}));
          break;
        case 'N':
          Push(Make(None{}));
          break;
        case 0x88:  // NEWTRUE
          Push(Make(true));
          break;
        case 0x89:  // NEWFALSE
          Push(Make(false));
          break;
        case 'K':  // BININT1
          Push(Make(static_cast<int64_t>(Byte())));
          break;
        case 'M':  // BININT2
          Push(Make(static_cast<int64_t>(LittleEndian(2))));
          break;
        case 'J':  // BININT (signed 4 bytes)
          Push(Make(static_cast<int64_t>(
              static_cast<int32_t>(static_cast<uint32_t>(LittleEndian(4))))));
          break;
        case 0x8a: {  // LONG1: n-byte two's complement
          const size_t n = Byte();
          if (n > 8) Fail("an integer of more than 64 bits");
          const uint64_t raw = LittleEndian(n);
          int64_t value = static_cast<int64_t>(raw);
          if (n > 0 && n < 8 && (raw >> (8 * n - 1)) & 1) {
            value = static_cast<int64_t>(raw | (~uint64_t{0} << (8 * n)));
          }
          Push(Make(value));
          break;
        }
        case 'G': {  // BINFLOAT, big-endian double
          const std::string b = Bytes(8);
          uint64_t bits = 0;
          for (char c : b) bits = (bits << 8) | static_cast<uint8_t>(c);
          double value;
          std::memcpy(&value, &bits, sizeof(value));
          Push(Make(value));
          break;
        }
        case 'X':  // BINUNICODE
          Push(Make(Bytes(LittleEndian(4))));
          break;
        case 0x8c:  // SHORT_BINUNICODE
        case 'U':   // SHORT_BINSTRING
          Push(Make(Bytes(Byte())));
          break;
        case 'T':  // BINSTRING
          Push(Make(Bytes(LittleEndian(4))));
          break;
        case 'c': {  // GLOBAL "module\nname\n"
          Global global{Line(), Line()};
          if (!IsAllowedGlobal(global)) {
            Fail(fmt::format(
                "the pickle refers to '{}', which a file of weights never "
                "needs (refused: only state dicts of tensors are read)",
                global.FullName()));
          }
          Push(Make(global));
          break;
        }
        case ')':
          Push(Make(std::make_shared<Tuple>()));
          break;
        case ']':
          Push(Make(std::make_shared<List>()));
          break;
        case '}':
          Push(Make(std::make_shared<Dict>()));
          break;
        case 't': {
          auto tuple = std::make_shared<Tuple>();
          tuple->items = PopToMark();
          Push(Make(tuple));
          break;
        }
        case 0x85:
        case 0x86:
        case 0x87: {  // TUPLE1..3
          const size_t n = op - 0x84;
          if (stack_.size() < n) Fail("a tuple of missing items");
          auto tuple = std::make_shared<Tuple>();
          tuple->items.assign(stack_.end() - n, stack_.end());
          stack_.resize(stack_.size() - n);
          Push(Make(tuple));
          break;
        }
        case 'q':  // BINPUT
          Memo(Byte());
          break;
        case 'r':  // LONG_BINPUT
          Memo(LittleEndian(4));
          break;
        case 0x94:  // MEMOIZE
          Memo(memo_.size());
          break;
        case 'h':  // BINGET
          Push(Recall(Byte()));
          break;
        case 'j':  // LONG_BINGET
          Push(Recall(LittleEndian(4)));
          break;
        case 'Q':  // BINPERSID
          Push(LoadPersistent(Pop()));
          break;
        case 'R': {  // REDUCE
          ValuePtr args = Pop();
          ValuePtr callable = Pop();
          Push(Reduce(*callable, *args));
          break;
        }
        case 'a': {  // APPEND
          ValuePtr item = Pop();
          As<std::shared_ptr<List>>(*Top(), "append to")->items.push_back(item);
          break;
        }
        case 'e': {  // APPENDS
          std::vector<ValuePtr> items = PopToMark();
          auto& list = As<std::shared_ptr<List>>(*Top(), "append to")->items;
          list.insert(list.end(), items.begin(), items.end());
          break;
        }
        case 's': {  // SETITEM
          ValuePtr value = Pop();
          ValuePtr key = Pop();
          As<std::shared_ptr<Dict>>(*Top(), "set an item of")
              ->items.emplace_back(key, value);
          break;
        }
        case 'u': {  // SETITEMS
          std::vector<ValuePtr> items = PopToMark();
          if (items.size() % 2 != 0) Fail("a dict update with an odd count");
          auto& dict = As<std::shared_ptr<Dict>>(*Top(), "set items of")->items;
          for (size_t i = 0; i < items.size(); i += 2) {
            dict.emplace_back(items[i], items[i + 1]);
          }
          break;
        }
        case 'b':  // BUILD: the OrderedDict's attributes (_metadata): unused
          Pop();
          if (!std::holds_alternative<std::shared_ptr<Dict>>(Top()->v)) {
            Fail("attributes set on a " + KindOf(*Top()));
          }
          break;
        default:
          Fail(
              fmt::format("unknown or unsupported pickle opcode 0x{:02x}", op));
      }
    }
  }

 private:
  [[noreturn]] void Fail(const std::string& what) const {
    ThrowError("{}: not a readable state dict: {} (at byte {} of data.pkl)",
               name_, what, pos_);
  }

  uint8_t Byte() {
    if (pos_ >= program_.size()) Fail("the pickle is cut short");
    return static_cast<uint8_t>(program_[pos_++]);
  }
  std::string Bytes(uint64_t n) {
    if (n > program_.size() - pos_) Fail("the pickle is cut short");
    std::string out = program_.substr(pos_, n);
    pos_ += n;
    return out;
  }
  uint64_t LittleEndian(size_t n) {
    const std::string b = Bytes(n);
    uint64_t value = 0;
    for (size_t i = n; i-- > 0;)
      value = (value << 8) | static_cast<uint8_t>(b[i]);
    return value;
  }
  std::string Line() {
    const size_t end = program_.find('\n', pos_);
    if (end == std::string::npos || end - pos_ > 256) {
      Fail("a damaged global name");
    }
    std::string out = program_.substr(pos_, end - pos_);
    pos_ = end + 1;
    return out;
  }

  void Push(ValuePtr value) {
    if (stack_.size() > (1u << 20))
      Fail("the pickle's stack grows without end");
    stack_.push_back(std::move(value));
  }
  ValuePtr Pop() {
    if (stack_.empty()) Fail("the pickle pops an empty stack");
    ValuePtr out = std::move(stack_.back());
    stack_.pop_back();
    return out;
  }
  const ValuePtr& Top() {
    if (stack_.empty()) Fail("the pickle reads an empty stack");
    return stack_.back();
  }
  std::vector<ValuePtr> PopToMark() {
    for (size_t i = stack_.size(); i-- > 0;) {
      if (std::holds_alternative<Mark>(stack_[i]->v)) {
        std::vector<ValuePtr> items(stack_.begin() + i + 1, stack_.end());
        stack_.resize(i);
        return items;
      }
    }
    Fail("a mark is missing");
  }
  void Memo(uint64_t index) {
    if (index > (1u << 24)) Fail("a memo index out of range");
    if (index >= memo_.size()) memo_.resize(index + 1);
    memo_[index] = Top();
  }
  ValuePtr Recall(uint64_t index) {
    if (index >= memo_.size() || !memo_[index]) {
      Fail(fmt::format("memo entry {} is used before it is set", index));
    }
    return memo_[index];
  }

  template <typename T>
  T& As(Value& value, const char* what) {
    T* out = std::get_if<T>(&value.v);
    if (!out) Fail(fmt::format("cannot {} a {}", what, KindOf(value)));
    return *out;
  }
  int64_t Int(const ValuePtr& value, const char* what) {
    const int64_t* out = std::get_if<int64_t>(&value->v);
    if (!out) Fail(fmt::format("{} is a {}, not an int", what, KindOf(*value)));
    return *out;
  }
  std::vector<int64_t> Ints(const ValuePtr& value, const char* what) {
    const auto* tuple = std::get_if<std::shared_ptr<Tuple>>(&value->v);
    if (!tuple)
      Fail(fmt::format("{} is a {}, not a tuple", what, KindOf(*value)));
    std::vector<int64_t> out;
    for (const ValuePtr& item : (*tuple)->items) out.push_back(Int(item, what));
    return out;
  }

  // ('storage', StorageType, key, location, numel) -> the record's bytes.
  ValuePtr LoadPersistent(const ValuePtr& id) {
    const auto* tuple = std::get_if<std::shared_ptr<Tuple>>(&id->v);
    if (!tuple || (*tuple)->items.size() != 5) {
      Fail("a persistent id that is not a storage");
    }
    const auto& items = (*tuple)->items;
    const auto* tag = std::get_if<std::string>(&items[0]->v);
    const auto* type = std::get_if<Global>(&items[1]->v);
    const auto* key = std::get_if<std::string>(&items[2]->v);
    if (!tag || *tag != "storage" || !type || !key) {
      Fail("a persistent id that is not a storage");
    }
    const std::optional<torch::Dtype> dtype = StorageDtype(*type);
    if (!dtype) Fail("unknown storage type " + type->FullName());
    const int64_t numel = Int(items[4], "a storage size");
    const auto cached = storages_.find(*key);
    if (cached != storages_.end()) return cached->second;

    const std::string record = "data/" + *key;
    std::string bytes = read_record_(record);
    const int64_t element = torch::elementSize(*dtype);
    if (numel < 0 || static_cast<uint64_t>(numel) >
                         bytes.size() / static_cast<uint64_t>(element)) {
      ThrowError("{}: record {} holds {} bytes, its storage needs {}", name_,
                 record, bytes.size(), numel * element);
    }
    torch::Tensor storage = torch::empty({numel}, torch::dtype(*dtype));
    // An empty storage has a null data_ptr(), and memcpy with a null pointer
    // is undefined even for 0 bytes (found by fuzz/torch_state_dict_fuzzer).
    if (numel > 0) {
      std::memcpy(storage.data_ptr(), bytes.data(), numel * element);
    }
    ValuePtr out = Make(Storage{storage});
    storages_[*key] = out;
    return out;
  }

  ValuePtr Reduce(const Value& callable, const Value& args_value) {
    const auto* global = std::get_if<Global>(&callable.v);
    const auto* args_tuple = std::get_if<std::shared_ptr<Tuple>>(&args_value.v);
    if (!global || !args_tuple) Fail("a call of something that is not allowed");
    const auto& args = (*args_tuple)->items;
    if (global->module == "collections" && global->name == "OrderedDict") {
      if (!args.empty()) Fail("OrderedDict built from arguments");
      return Make(std::make_shared<Dict>());
    }
    if (global->name == "_rebuild_parameter") {
      if (args.size() < 1 ||
          !std::holds_alternative<torch::Tensor>(args[0]->v)) {
        Fail("a parameter without a tensor");
      }
      return args[0];
    }
    if (global->name == "_rebuild_tensor_v2") return RebuildTensor(args);
    Fail("a call of " + global->FullName());
  }

  // _rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks
  // [, metadata]): a strided view, copied out after its extent is checked.
  ValuePtr RebuildTensor(const std::vector<ValuePtr>& args) {
    if (args.size() < 4) Fail("a tensor with missing arguments");
    const auto* storage = std::get_if<Storage>(&args[0]->v);
    if (!storage) Fail("a tensor without a storage");
    const int64_t offset = Int(args[1], "a tensor offset");
    const std::vector<int64_t> sizes = Ints(args[2], "a tensor size");
    const std::vector<int64_t> strides = Ints(args[3], "a tensor stride");
    if (sizes.size() != strides.size() || sizes.size() > 8) {
      Fail("a tensor whose size and stride disagree");
    }
    // 128-bit arithmetic: a hostile size or stride cannot wrap around.
    __int128 last = offset;
    __int128 elements = 1;
    bool empty = false;
    for (size_t d = 0; d < sizes.size(); ++d) {
      if (sizes[d] < 0 || strides[d] < 0 || sizes[d] > (int64_t{1} << 40) ||
          strides[d] > (int64_t{1} << 40)) {
        Fail("a tensor with a negative or absurd size");
      }
      if (sizes[d] == 0) empty = true;
      last += static_cast<__int128>(sizes[d] - 1) * strides[d];
      // Capped at 2^64 after every step (sizes are <= 2^40): cannot wrap.
      elements = std::min(elements * sizes[d], __int128{1} << 64);
    }
    const int64_t numel = storage->bytes.numel();
    if (!empty && (offset < 0 || last >= numel)) {
      Fail(fmt::format("a tensor that reaches past its storage ({} elements)",
                       numel));
    }
    // Zero strides repeat elements: a view of a 4-element storage can claim
    // 2^40 x 2^40 of them, and the copy below would allocate them all. State
    // dicts hold no such expanded views, so a tensor may have no more
    // elements than the storage the file gives it.
    if (!empty && elements > numel) {
      Fail(fmt::format(
          "a tensor of more elements than its storage holds ({} elements)",
          numel));
    }
    if (empty) {
      return Make(torch::empty(sizes, storage->bytes.options()));
    }
    return Make(storage->bytes.as_strided(sizes, strides, offset).clone());
  }

  const std::string& program_;
  const std::function<std::string(const std::string&)>& read_record_;
  const std::string& name_;
  size_t pos_ = 0;
  std::vector<ValuePtr> stack_;
  std::vector<ValuePtr> memo_;
  std::map<std::string, ValuePtr> storages_;
  ValuePtr result_;
};

uint32_t Le32(const std::string& bytes, size_t at) {
  return static_cast<uint32_t>(static_cast<uint8_t>(bytes[at])) |
         static_cast<uint32_t>(static_cast<uint8_t>(bytes[at + 1])) << 8 |
         static_cast<uint32_t>(static_cast<uint8_t>(bytes[at + 2])) << 16 |
         static_cast<uint32_t>(static_cast<uint8_t>(bytes[at + 3])) << 24;
}
uint16_t Le16(const std::string& bytes, size_t at) {
  return static_cast<uint16_t>(static_cast<uint8_t>(bytes[at]) |
                               static_cast<uint8_t>(bytes[at + 1]) << 8);
}

uint64_t Le64(const std::string& bytes, size_t at) {
  return Le32(bytes, at) | uint64_t{Le32(bytes, at + 4)} << 32;
}

struct ZipRecord {
  uint32_t crc = 0;
  uint64_t size = 0;       // uncompressed, as the directory claims
  bool plausible = false;  // the archive can hold `size` bytes
};

// CRC-32 and size of every record, from the zip's central directory.
// LibTorch's reader does not check the CRCs, so a flipped bit in the weights
// would otherwise load silently; and it allocates the size the directory
// claims before reading a byte, so a 2 KB file claiming 4 GiB got 4 GiB.
std::map<std::string, ZipRecord> ZipRecords(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  const std::streamoff size = in.tellg();
  // The end-of-central-directory record: 22 bytes plus a comment < 64 KiB.
  const std::streamoff tail_size = std::min<std::streamoff>(size, 22 + 65535);
  std::string tail(static_cast<size_t>(tail_size), '\0');
  in.seekg(size - tail_size);
  in.read(tail.data(), tail_size);
  std::map<std::string, ZipRecord> records;
  const size_t eocd = tail.rfind(std::string("PK\x05\x06", 4));
  if (eocd == std::string::npos || eocd + 22 > tail.size()) return records;
  const uint64_t directory_size = Le32(tail, eocd + 12);
  const uint64_t directory_offset = Le32(tail, eocd + 16);
  if (directory_offset == 0xffffffffu || directory_size > uint64_t(size)) {
    return records;  // zip64: left to LibTorch's reader
  }
  std::string directory(directory_size, '\0');
  in.seekg(static_cast<std::streamoff>(directory_offset));
  in.read(directory.data(), static_cast<std::streamsize>(directory_size));
  if (!in) return records;
  size_t at = 0;
  while (at + 46 <= directory.size() && Le32(directory, at) == 0x02014b50u) {
    ZipRecord record;
    record.crc = Le32(directory, at + 16);
    const uint16_t method = Le16(directory, at + 10);
    uint64_t compressed = Le32(directory, at + 20);
    record.size = Le32(directory, at + 24);
    const size_t name_length = Le16(directory, at + 28);
    const size_t extra_length = Le16(directory, at + 30);
    const size_t comment_length = Le16(directory, at + 32);
    if (at + 46 + name_length > directory.size()) break;
    // A zip64 extra field (id 1) holds the 64-bit sizes of those that read
    // 0xffffffff, uncompressed first.
    const size_t extra_end =
        std::min(directory.size(), at + 46 + name_length + extra_length);
    for (size_t extra = at + 46 + name_length; extra + 4 <= extra_end;
         extra += 4 + Le16(directory, extra + 2)) {
      if (Le16(directory, extra) != 1) continue;
      size_t field = extra + 4;
      if (record.size == 0xffffffffu && field + 8 <= extra_end) {
        record.size = Le64(directory, field);
        field += 8;
      }
      if (compressed == 0xffffffffu && field + 8 <= extra_end) {
        compressed = Le64(directory, field);
      }
    }
    // Stored records (all that torch.save writes) are no larger than the
    // file; deflate expands at most 1032:1.
    record.plausible =
        compressed <= uint64_t(size) &&
        record.size <= (method == 0 ? compressed : compressed * 1032 + 1032);
    records[directory.substr(at + 46, name_length)] = record;
    at += 46 + name_length + extra_length + comment_length;
  }
  return records;
}

}  // namespace

StateDict ParseStateDictPickle(
    const std::string& pickle,
    const std::function<std::string(const std::string& record)>& read_record,
    const std::string& name) {
  PickleMachine machine(pickle, read_record, name);
  const ValuePtr top = machine.Run();
  const auto* dict = std::get_if<std::shared_ptr<Dict>>(&top->v);
  if (!dict) {
    ThrowError("{}: holds a pickled {}, not a state dict (a dict of tensors)",
               name, KindOf(*top));
  }
  StateDict out;
  for (const auto& [key, value] : (*dict)->items) {
    const auto* key_string = std::get_if<std::string>(&key->v);
    if (!key_string) {
      ThrowError("{}: a state dict key is a {}, not a string", name,
                 KindOf(*key));
    }
    const auto* tensor = std::get_if<torch::Tensor>(&value->v);
    if (!tensor) {
      // Training checkpoints often wrap the weights: {"model": {...}, ...}.
      ThrowError(
          "{}: '{}' is a {}, not a tensor: this is not a bare state dict{}",
          name, *key_string, KindOf(*value),
          std::holds_alternative<std::shared_ptr<Dict>>(value->v)
              ? " (a checkpoint that wraps one; save model.state_dict())"
              : "");
    }
    if (out.Contains(*key_string)) {
      ThrowError("{}: key '{}' appears twice", name, *key_string);
    }
    out.entries.emplace_back(*key_string, *tensor);
  }
  return out;
}

StateDict ReadTorchStateDict(const std::filesystem::path& path) {
  const std::string name = path.string();
  RequireRegularFile(path);
  // Before LibTorch's reader opens the archive: its constructor already
  // reads the "version" record, allocating whatever size is claimed.
  const std::map<std::string, ZipRecord> records = ZipRecords(path);
  for (const auto& [record, entry] : records) {
    if (!entry.plausible) {
      ThrowError("{}: record '{}' claims {} bytes, more than the archive holds",
                 name, record, entry.size);
    }
  }
  std::unique_ptr<caffe2::serialize::PyTorchStreamReader> reader;
  try {
    reader = std::make_unique<caffe2::serialize::PyTorchStreamReader>(name);
  } catch (const c10::Error&) {
    ThrowError(
        "{}: not a PyTorch zip archive (damaged, cut short, or another kind "
        "of file; files saved by PyTorch before 1.6 are not read)",
        name);
  }
  // Records sit under one top folder ("tiny/data.pkl"); find its name.
  std::string prefix;
  for (const auto& [record, entry] : records) {
    const std::string pickle = "/data.pkl";
    if (record.size() > pickle.size() &&
        record.compare(record.size() - pickle.size(), pickle.size(), pickle) ==
            0) {
      prefix = record.substr(0, record.size() - pickle.size() + 1);
    }
  }
  auto read = [&](const std::string& record) -> std::string {
    const auto entry = records.find(prefix + record);
    std::string bytes;
    try {
      if (!reader->hasRecord(record)) {
        ThrowError("{}: the archive has no record '{}'", name, record);
      }
      auto [data, size] = reader->getRecord(record);
      bytes.assign(static_cast<const char*>(data.get()), size);
    } catch (const c10::Error&) {
      ThrowError("{}: record '{}' is damaged or cut short", name, record);
    }
    if (entry != records.end()) {
      const uint32_t actual = static_cast<uint32_t>(
          crc32(0L, reinterpret_cast<const Bytef*>(bytes.data()),
                static_cast<uInt>(bytes.size())));
      if (actual != entry->second.crc) {
        ThrowError("{}: record '{}' is damaged (its checksum does not match)",
                   name, record);
      }
    }
    return bytes;
  };
  return ParseStateDictPickle(read("data.pkl"), read, name);
}

}  // namespace parallax
