from jixiao.cli import main

raise SystemExit(main())
