x = Config.fromfile('Tests/errors/data/self_loading.py')
