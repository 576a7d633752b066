from smartnet_tui.cli import main

raise SystemExit(main())
