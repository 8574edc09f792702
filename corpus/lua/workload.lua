-- A Lua 5.4 workload for the corpus (corpus/lua/recipe.toml): the kinds of code Lua programs
-- spend their time in (tables, strings and patterns, closures, iterators, metatables, the
-- garbage collector, integer and float arithmetic), each section printing a result that
-- depends on every step, so a wrong value anywhere shows in the output. Floats are printed
-- only where the value is exact or rounded well away from the last digit (libm differs
-- between the native build and wasi-libc). Usage: lua workload.lua [SCALE]
local scale = tonumber(arg and arg[1]) or 10

local function checksum(s)
  local h = 2166136261
  for i = 1, #s do
    h = ((h ~ s:byte(i)) * 16777619) & 0xffffffff
  end
  return string.format("%08x", h)
end

-- 1. Binary trees: allocation and the garbage collector.
local function bottom_up(depth)
  if depth == 0 then return {} end
  depth = depth - 1
  return { bottom_up(depth), bottom_up(depth) }
end
local function check(tree)
  if tree[1] then return 1 + check(tree[1]) + check(tree[2]) end
  return 1
end
do
  local max_depth = 10 + scale // 10
  local total = 0
  for depth = 4, max_depth, 2 do
    local iters = 1 << (max_depth - depth + 4)
    local c = 0
    for _ = 1, iters do c = c + check(bottom_up(depth)) end
    total = total + c
    print(string.format("trees depth %d: %d iterations, check %d", depth, iters, c))
  end
  print("trees total", total)
end

-- 2. Strings: formatting, patterns, gsub with functions, table.concat, string.rep.
do
  local words = {}
  local seed = 42
  local function rand(n)
    seed = (seed * 1103515245 + 12345) & 0x7fffffff
    return seed % n
  end
  local letters = "etaoinshrdlucmfwypvbgkjqxz"
  for i = 1, 2000 * scale do
    local len = 2 + rand(3)
    local t = {}
    for j = 1, len do
      local k = rand(#letters) + 1
      t[j] = letters:sub(k, k)
    end
    words[i] = table.concat(t)
  end
  local text = table.concat(words, " ")
  local counts = {}
  for w in text:gmatch("%a+") do counts[w] = (counts[w] or 0) + 1 end
  local distinct = {}
  for w, n in pairs(counts) do distinct[#distinct + 1] = w end
  table.sort(distinct, function(a, b)
    if counts[a] ~= counts[b] then return counts[a] > counts[b] end
    return a < b
  end)
  for i = 1, 5 do print(string.format("word %-10s %d", distinct[i], counts[distinct[i]])) end
  local vowels = select(2, text:gsub("[aeiou]", ""))
  local upper = text:gsub("(%a)(%a*)", function(a, b) return a:upper() .. b end)
  local swapped = text:gsub("(%a+) (%a+)", "%2 %1")
  print("distinct", #distinct, "vowels", vowels)
  print("upper", checksum(upper), "swapped", checksum(swapped))
  print("find", text:find("ea[st]+"), ("%q"):format(text:sub(1, 30)))
  print("rep", checksum(("abc"):rep(1000, ",")), #("x"):rep(100000))
end

-- 3. A JSON encoder and decoder (recursive descent), round trip of generated records.
local json = {}
do
  local escapes = { ['"'] = '\\"', ['\\'] = '\\\\', ['\n'] = '\\n', ['\t'] = '\\t' }
  local function encode(v, out)
    local t = type(v)
    if t == "table" then
      if #v > 0 or next(v) == nil then
        out[#out + 1] = "["
        for i = 1, #v do
          if i > 1 then out[#out + 1] = "," end
          encode(v[i], out)
        end
        out[#out + 1] = "]"
      else
        local keys = {}
        for k in pairs(v) do keys[#keys + 1] = k end
        table.sort(keys)
        out[#out + 1] = "{"
        for i, k in ipairs(keys) do
          if i > 1 then out[#out + 1] = "," end
          encode(k, out)
          out[#out + 1] = ":"
          encode(v[k], out)
        end
        out[#out + 1] = "}"
      end
    elseif t == "string" then
      out[#out + 1] = '"' .. v:gsub('[%c"\\]', escapes) .. '"'
    elseif math.type(v) == "integer" then
      out[#out + 1] = string.format("%d", v)
    elseif t == "number" then
      out[#out + 1] = string.format("%.6g", v)
    else
      out[#out + 1] = tostring(v)
    end
  end
  function json.encode(v)
    local out = {}
    encode(v, out)
    return table.concat(out)
  end
  function json.decode(s)
    local pos = 1
    local value
    local function ws() pos = s:find("[^ \t\r\n]", pos) or #s + 1 end
    local function str()
      local i, j = pos + 1, pos + 1
      local parts = {}
      while true do
        local c = s:sub(j, j)
        if c == '"' then break end
        if c == "\\" then
          parts[#parts + 1] = s:sub(i, j - 1)
          local e = s:sub(j + 1, j + 1)
          parts[#parts + 1] = ({ n = "\n", t = "\t" })[e] or e
          j = j + 2
          i = j
        else
          j = j + 1
        end
      end
      parts[#parts + 1] = s:sub(i, j - 1)
      pos = j + 1
      return table.concat(parts)
    end
    function value()
      ws()
      local c = s:sub(pos, pos)
      if c == "{" then
        local t = {}
        pos = pos + 1
        ws()
        if s:sub(pos, pos) == "}" then pos = pos + 1 return t end
        while true do
          ws()
          local k = str()
          ws()
          pos = pos + 1 -- ':'
          t[k] = value()
          ws()
          local d = s:sub(pos, pos)
          pos = pos + 1
          if d == "}" then return t end
        end
      elseif c == "[" then
        local t = {}
        pos = pos + 1
        ws()
        if s:sub(pos, pos) == "]" then pos = pos + 1 return t end
        while true do
          t[#t + 1] = value()
          ws()
          local d = s:sub(pos, pos)
          pos = pos + 1
          if d == "]" then return t end
        end
      elseif c == '"' then
        return str()
      elseif s:sub(pos, pos + 3) == "true" then
        pos = pos + 4 return true
      elseif s:sub(pos, pos + 4) == "false" then
        pos = pos + 5 return false
      else
        local num = s:match("^-?%d+%.?%d*[eE]?[-+]?%d*", pos)
        pos = pos + #num
        return math.tointeger(tonumber(num)) or tonumber(num)
      end
    end
    return value()
  end
end
do
  local records = {}
  for i = 1, 300 * scale do
    records[i] = {
      id = i, name = "item\t" .. i, price = i * 0.25, tags = { "a" .. i % 7, "b" .. i % 11 },
      active = i % 3 == 0, nested = { depth = { value = i * i, label = '"q' .. i .. '"' } },
    }
  end
  local text = json.encode(records)
  local back = json.decode(text)
  local again = json.encode(back)
  print("json", #text, checksum(text), again == text, back[#back].nested.depth.value)
end

-- 4. Closures, varargs, iterators, metatables and operators.
do
  local function counter()
    local n = 0
    return function(k) n = n + (k or 1) return n end
  end
  local c = counter()
  for i = 1, 1000 * scale do c(i % 5) end
  print("closure", c(0))

  -- A stateful iterator (coroutines are left out: their yield is a longjmp in Lua's C
  -- core, which the wasm builds cannot do, see corpus/wasi/include/setjmp.h).
  local function primes(limit)
    local sieve, i = {}, 1
    return function()
      repeat i = i + 1 until i > limit or not sieve[i]
      if i > limit then return nil end
      for j = i * i, limit, i do sieve[j] = true end
      return i
    end
  end
  local count, sum = 0, 0
  for p in primes(20000 * scale) do count, sum = count + 1, sum + p end
  print("primes", count, sum)

  local Vec = {}
  Vec.__index = Vec
  Vec.__add = function(a, b) return setmetatable({ x = a.x + b.x, y = a.y + b.y }, Vec) end
  Vec.__mul = function(a, k) return setmetatable({ x = a.x * k, y = a.y * k }, Vec) end
  Vec.__eq = function(a, b) return a.x == b.x and a.y == b.y end
  Vec.__tostring = function(v) return string.format("(%d, %d)", v.x, v.y) end
  local acc = setmetatable({ x = 0, y = 0 }, Vec)
  for i = 1, 5000 * scale do acc = acc + setmetatable({ x = i, y = -i }, Vec) * 2 end
  print("vector", tostring(acc), acc == setmetatable({ x = acc.x, y = acc.y }, Vec))

  local function sum_all(...)
    local s = 0
    for i = 1, select("#", ...) do s = s + select(i, ...) end
    return s
  end
  print("varargs", sum_all(table.unpack({ 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 })))
end

-- 5. Arithmetic: integer overflow wraps, floor division and modulo signs, floats, bitwise.
do
  local x = 0x7fffffffffffffff
  print("int", x + 1 == math.mininteger, 7 // -2, -7 % 3, 7.5 // 2, 2 ^ 53 == 2 ^ 53 + 1)
  local h = 0
  for i = 1, 100000 * scale do
    h = (h * 31 + i) ~ (h >> 7)
    h = h & 0xffffffffffff
  end
  print("hash", h)
  local s = 0.0
  for i = 1, 100000 * scale do s = s + 1 / i end
  print("harmonic", string.format("%.9f", s))
  local m = {}
  local n = 60
  for i = 1, n do
    m[i] = {}
    for j = 1, n do m[i][j] = (i * j) % 7 - 3 end
  end
  local p = {}
  for i = 1, n do
    p[i] = {}
    for j = 1, n do
      local acc = 0
      for k = 1, n do acc = acc + m[i][k] * m[k][j] end
      p[i][j] = acc
    end
  end
  local tr = 0
  for i = 1, n do tr = tr + p[i][i] end
  print("matrix trace", tr, math.tointeger(3.0), math.ult(1, -1), string.format("%a", 0.5))
end

-- 6. Sorting and table library functions on a large array.
do
  local t = {}
  local seed = 7
  for i = 1, 20000 * scale do
    seed = (seed * 48271) % 0x7fffffff
    t[i] = seed
  end
  table.sort(t)
  local ok = true
  for i = 2, #t do if t[i - 1] > t[i] then ok = false end end
  table.insert(t, 1, -1)
  table.remove(t)
  local moved = table.move(t, 1, 10, 1, {})
  print("sort", ok, t[1], t[2], t[#t], #moved, checksum(table.concat(moved, ",")))
  collectgarbage()
  print("utf8", utf8.len("héllo wörld"), utf8.char(72, 228, 8364), #utf8.char(0x10FFFF))
end
