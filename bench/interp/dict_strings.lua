-- A table with 10^5 string keys: build, then look every key up and count the misses.
function work()
  local d = {}
  for i = 0, 99999 do d['key' .. tostring(i)] = i end
  local total = 0
  for i = 0, 199998, 2 do
    local v = d['key' .. tostring(i)]
    total = total + (v == nil and -1 or v)
  end
  return total
end
