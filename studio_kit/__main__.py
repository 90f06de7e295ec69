from studio_kit.cli import main

main()
