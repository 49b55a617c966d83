"""weather-report: the README demo program.

It runs from the environment that `cvlock sync` made from the lockfile;
the bundled offline index holds stand-ins of requests and rich, so the
weather is canned.
"""
import requests
import rich


def main():
    weather = requests.get("https://weather.example/today").json()
    rich.print("[bold]%s[/bold]: %s, %d °C"
               % (weather["city"], weather["sky"], weather["temp_c"]))


if __name__ == "__main__":
    main()
