"""The episode file: clips laid out with their pauses, loudness and MP3 encoding through ffmpeg,
jingles, ID3 tags and chapters, and the chapter and transcript sidecars. Uses only the hall.
"""
