-- A filtered list built in a loop (Lua has no comprehensions), then summed.
function work()
  local xs = {}
  for x = 0, 999999 do
    if x % 3 ~= 0 then xs[#xs + 1] = x * x end
  end
  local s = 0
  for i = 1, #xs do s = s + xs[i] end
  return s
end
