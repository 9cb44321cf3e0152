# The program is the main module, as `python3 file.py` runs it.
print(__name__)

def main():
    print('main ran')

if __name__ == '__main__':
    main()
else:
    print('imported')
