-- A recursive MMEngine-style config merge (tables merged key by key, `_delete_ = true` replaces).
local function merge(base, new)
  local out = {}
  for k, v in pairs(base) do out[k] = v end
  for k, v in pairs(new) do
    if type(v) == 'table' and type(out[k]) == 'table' and not v._delete_ then
      out[k] = merge(out[k], v)
    elseif type(v) == 'table' then
      local c = {}
      for kk, vv in pairs(v) do if kk ~= '_delete_' then c[kk] = vv end end
      out[k] = c
    else
      out[k] = v
    end
  end
  return out
end
local function config(depth, seed)
  if depth == 0 then return seed end
  return {type = 'L' .. depth, lr = 0.01 * depth, a = config(depth - 1, seed), b = config(depth - 1, seed + 1),
          cfg = {norm = 'BN', eps = 1e-5, seed = seed}}
end
local function count(c)
  if type(c) ~= 'table' then return 1 end
  local n = 0
  for _, v in pairs(c) do n = n + count(v) end
  return n
end
function work()
  local base, new = config(5, 0), config(4, 7)
  new.cfg = {_delete_ = true, norm = 'GN'}
  local n = 0
  for i = 0, 199 do n = n + count(merge(base, {a = new, lr = i})) end
  return n
end
