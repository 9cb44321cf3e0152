print("trick")
