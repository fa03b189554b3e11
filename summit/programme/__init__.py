"""The programme (日程), the 繁星计划 research-results roadshow, enterprises' technology needs
(企业点题) matched with results (院所答题), and interest (意向) in results."""
