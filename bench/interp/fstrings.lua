-- String building: 10^5 formatted strings joined into one string.
function work()
  local parts = {}
  for i = 0, 99999 do parts[#parts + 1] = string.format('%d:%d', i, i % 7) end
  return #table.concat(parts, ',')
end
