"""What investigators and readers see, built without Streamlit so it is tested alone.

- :mod:`~graph.views.explore`: the explorer's views grown from centres;
- :mod:`~graph.views.search`: finding an entity as investigators type it;
- :mod:`~graph.views.drawing`: a view drawn with pyvis, offline and safe;
- :mod:`~graph.views.briefing`: the self-contained HTML briefing; :mod:`~graph.views.png`
  its picture for slides;
- :mod:`~graph.views.tables`: results as table, CSV or JSON;
- :mod:`~graph.views.timeline`: a view's events (the model's event dates) in order;
- :mod:`~graph.views.pages`: the reads the app's pages need (their Cypher lives here,
  never in ``ui/``).
"""
