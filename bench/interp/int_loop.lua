-- A 10^6-iteration integer loop.
function work()
  local acc, i = 0, 0
  while i < 1000000 do
    acc = (acc + i * i) % 1000003
    i = i + 1
  end
  return acc
end
