"""Vision: notice, greet and follow a visitor with a camera, keeping nothing.

The camera (or a video file / image folder standing in for it) feeds a worker thread that runs
MediaPipe face detection and face mesh, turns each face into an :class:`~kiosk.vision.observation.Observation`
(distance, head pose, attention, mouth movement), tracks identities frame to frame, and drives an
engagement state machine (idle -> noticed -> engaged -> disengaging -> idle) that publishes
``VISITOR_*`` and ``GAZE_TARGET`` events on the pipeline :class:`~kiosk.pipeline.events.EventBus`.

Privacy: frames live only in memory at working resolution and are dropped after use; no face
embeddings, no recognition; only aggregate counts leave this package.

Importing this package is cheap; MediaPipe and OpenCV are imported where they are used.
"""
