-- Nested loops with table indexing: a 70x70 matrix product on tables of tables.
function work()
  local n = 70
  local a, b, c = {}, {}, {}
  for i = 0, n - 1 do
    a[i + 1], b[i + 1], c[i + 1] = {}, {}, {}
    for j = 0, n - 1 do
      a[i + 1][j + 1] = (i * 7 + j * 3) % 11 - 5
      b[i + 1][j + 1] = (i * 5 + j * 2) % 13 - 6
      c[i + 1][j + 1] = 0
    end
  end
  for i = 1, n do
    local ai, ci = a[i], c[i]
    for j = 1, n do
      local s = 0
      for k = 1, n do s = s + ai[k] * b[k][j] end
      ci[j] = s
    end
  end
  local t = 0
  for i = 1, n do for j = 1, n do t = t + c[i][j] end end
  return t
end
