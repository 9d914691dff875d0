from kommune.cli import main

main()
