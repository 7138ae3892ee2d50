package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/chromedp/chromedp"
)

func main() {
	dir, _ := os.MkdirTemp("", "walk")
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath("/usr/bin/chromium"), chromedp.UserDataDir(dir),
		chromedp.Flag("no-sandbox", true))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel2 := chromedp.NewContext(actx)
	defer cancel2()
	if err := chromedp.Do(ctx); err != nil {
		panic(err)
	}
	base := os.Args[1]
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.SplitN(line, " ", 2)
		arg := ""
		if len(f) > 1 {
			arg = f[1]
		}
		var err error
		tctx, c := context.WithTimeout(ctx, 20*time.Second)
		switch f[0] {
		case "size":
			wh := strings.Fields(arg)
			w, _ := strconv.Atoi(wh[0])
			h, _ := strconv.Atoi(wh[1])
			if w < 500 {
				err = chromedp.Do(tctx, chromedp.EmulateViewport(int64(w), int64(h), chromedp.EmulateMobile))
			} else {
				err = chromedp.Do(tctx, chromedp.EmulateViewport(int64(w), int64(h)))
			}
		case "go":
			err = chromedp.Do(tctx, chromedp.Navigate(base+arg))
		case "shot":
			var b []byte
			b, err = chromedp.Run(tctx, chromedp.FullScreenshot(100))
			if err == nil {
				err = os.WriteFile(arg, b, 0o644)
			}
		case "vshot":
			var b []byte
			b, err = chromedp.Run(tctx, chromedp.CaptureScreenshot())
			if err == nil {
				err = os.WriteFile(arg, b, 0o644)
			}
		case "js":
			// run JS; print result
			var s any
			s, err = chromedp.Run(tctx, chromedp.Evaluate[any](arg, chromedp.EvalAwaitPromise))
			fmt.Println(s)
		case "text":
			sel := "main"
			if arg != "" {
				sel = arg
			}
			var s string
			s, err = chromedp.Run(tctx, chromedp.Evaluate[string](fmt.Sprintf(`(document.querySelector(%q)||{innerText:"(none)"}).innerText`, sel)))
			fmt.Println(s)
		case "wait":
			time.Sleep(700 * time.Millisecond)
		case "login":
			up := strings.Fields(arg)
			chromedp.Run(tctx, chromedp.Evaluate[any](`(document.querySelector('form[action="/logout"] button')||{click(){}}).click()`))
			time.Sleep(700 * time.Millisecond)
			err = chromedp.Do(tctx, chromedp.Navigate(base+"/login"),
				chromedp.SetValue(chromedp.CSS(`input[name=username]`), up[0]),
				chromedp.SetValue(chromedp.CSS(`input[name=password]`), up[1]),
				chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)))
			time.Sleep(700 * time.Millisecond)
		}
		c()
		if err != nil {
			fmt.Println("ERR", line, err)
		}
	}
}
