-- A recursive tree of 3-element tables: build a complete binary tree of depth 16, then walk it.
local function build(depth)
  if depth == 0 then return {1, false, false} end
  return {depth, build(depth - 1), build(depth - 1)}
end
local function total(t)
  if not t then return 0 end
  return t[1] + total(t[2]) + total(t[3])
end
function work() return total(build(16)) end
