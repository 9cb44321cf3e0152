# numpy's legacy RandomState.choice: uniform, with p (inverse CDF), a list population, a shape, without replacement.
import numpy as np
np.random.seed(3)
print(np.random.choice(5), np.random.choice(np.arange(4), p=[0.1, 0.2, 0.3, 0.4]), np.random.choice([10, 20, 30], size=4))
print(np.random.choice(6, size=(2, 2), p=[0.1, 0.1, 0.1, 0.1, 0.1, 0.5]), np.random.choice(8, 5, replace=False), np.random.choice(['a', 'b']))
